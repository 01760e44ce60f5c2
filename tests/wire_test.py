#!/usr/bin/python3
"""wire_test.py - an independent client: folio.proto compiled for Python, Python's ssl.

Checks that the wire described in proto/folio.proto, inside TLS verified
against the firm's certificate, is all a client needs: no code of folio's
own is used here. Needs FOLIOD (the foliod binary) and
FOLIO_SOURCE_DIR (the source tree); ctest sets both. Prints
"N passed, N failed" and exits non-zero on failure.
"""
import importlib
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

FOLIOD = os.environ.get("FOLIOD")
SOURCE = os.environ.get("FOLIO_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "python-password-1"
TIMEOUT = 15

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + str(detail) if detail else ""))


class Wire:
    """One connection speaking length-prefixed Request/Response frames."""

    def __init__(self, pb, port, tls=None):
        self.pb = pb
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_hostname="127.0.0.1")
        self.next_id = 1

    def send(self, **op):
        req = self.pb.Request(id=self.next_id, **op)
        self.next_id += 1
        data = req.SerializeToString()
        self.sock.sendall(struct.pack(">I", len(data)) + data)
        return req.id

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except (ConnectionResetError, ssl.SSLEOFError):
                return None
            if not chunk:
                return None
            buf += chunk
        return buf

    def receive(self):
        header = self._read(4)
        if header is None:
            return None
        (length,) = struct.unpack(">I", header)
        if length == 0 or length > 64 * 1024 * 1024:
            raise ValueError("server sent a frame of %d bytes" % length)
        payload = self._read(length)
        if payload is None:
            raise ValueError("connection closed in the middle of a frame")
        resp = self.pb.Response()
        resp.ParseFromString(payload)
        return resp

    def call(self, **op):
        rid = self.send(**op)
        resp = self.receive()
        if resp is None:
            raise ValueError("connection closed instead of an answer")
        if resp.id != rid:
            raise ValueError("answer to %d carries id %d" % (rid, resp.id))
        return resp

    def close(self):
        self.sock.close()


def compile_proto(tmp):
    out = os.path.join(tmp, "py")
    os.mkdir(out)
    proto_dir = os.path.join(SOURCE, "proto")
    subprocess.run(["protoc", "--python_out=" + out, "-I" + proto_dir,
                    os.path.join(proto_dir, "folio.proto")], check=True, timeout=60)
    sys.path.insert(0, out)
    return importlib.import_module("folio_pb2")


def start_server(tmp):
    data = os.path.join(tmp, "data")
    # The lowest hash cost, as every other test: this one is about the wire,
    # and a 64 MiB hash per login is what a loaded CI machine times out on.
    init = subprocess.run([FOLIOD, "init", "--data", data, "--firm", "Python Firm", "--admin",
                           "pyadmin", "--password-stdin", "--hash-cost", "min"],
                          input=PASSWORD + "\n",
                          capture_output=True, text=True, timeout=60)
    check("foliod init", init.returncode == 0, init.stderr)
    port_file = os.path.join(tmp, "port")
    log = open(os.path.join(tmp, "foliod.log"), "w")
    proc = subprocess.Popen([FOLIOD, "serve", "--data", data, "--listen", "127.0.0.1:0",
                             "--port-file", port_file, "--hash-cost", "min"],
                            stdout=log, stderr=log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open(port_file) as f:
                text = f.read()
            if text.endswith("\n"):
                return proc, int(text), os.path.join(data, "tls-cert.pem")
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise RuntimeError("foliod did not start")


def code_name(pb, resp):
    return pb.Code.Name(resp.status.code)


def tls_context(cert):
    """Trusts the firm's own certificate and nothing else; checks its IP address."""
    ctx = ssl.create_default_context(cafile=cert)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def check_tls(pb, port, cert):
    Code = pb.Code
    w = Wire(pb, port, tls_context(cert))
    check("TLS is 1.3", w.sock.version() == "TLSv1.3", w.sock.version())
    w.close()

    other = ssl.create_default_context()  # the system's CAs: the firm is not among them
    try:
        Wire(pb, port, other).close()
        check("a client trusting other CAs refuses the firm's certificate", False)
    except ssl.SSLCertVerificationError:
        check("a client trusting other CAs refuses the firm's certificate", True)

    tls12 = tls_context(cert)
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    w = Wire(pb, port, tls12)
    check("TLS 1.2 is still served", w.sock.version() == "TLSv1.2", w.sock.version())
    resp = w.call(hello=pb.Hello(protocol_version=1, client_name="wire_test.py"))
    check("... and carries frames", resp.status.code == Code.OK, resp.status.message)
    w.close()

    # A client speaking frames in the clear to the TLS port is told why, in the clear.
    plain = Wire(pb, port)
    plain.send(hello=pb.Hello(protocol_version=1, client_name="wire_test.py"))
    resp = plain.receive()
    check("plaintext on the TLS port is FAILED_PRECONDITION with id 0",
          resp is not None and resp.id == 0 and resp.status.code == Code.FAILED_PRECONDITION,
          resp)
    check("... saying the server speaks TLS",
          resp is not None and "speaks TLS" in resp.status.message, resp)
    check("... and the connection is closed", plain.receive() is None)
    plain.close()


def run(pb, port, cert):
    Code = pb.Code
    check_tls(pb, port, cert)
    w = Wire(pb, port, tls_context(cert))

    resp = w.call(whoami=pb.WhoAmI())
    check("request before Hello is FAILED_PRECONDITION",
          resp.status.code == Code.FAILED_PRECONDITION, code_name(pb, resp))

    resp = w.call(hello=pb.Hello(protocol_version=1, client_name="wire_test.py"))
    check("Hello answers OK", resp.status.code == Code.OK, resp.status.message)
    check("Welcome names the server version", resp.welcome.server_version == "0.1.0",
          resp.welcome)
    check("Welcome names the firm", resp.welcome.firm == "Python Firm", resp.welcome)
    check("Welcome names protocol 1", resp.welcome.protocol_version == 1, resp.welcome)
    check("Welcome is the result", resp.WhichOneof("result") == "welcome",
          resp.WhichOneof("result"))

    resp = w.call(whoami=pb.WhoAmI())
    check("WhoAmI without login is UNAUTHENTICATED", resp.status.code == Code.UNAUTHENTICATED,
          code_name(pb, resp))
    check("... and says 'log in first'", resp.status.message == "log in first",
          resp.status.message)

    resp = w.call(login=pb.Login(username="pyadmin", password="not-it-at-all"))
    check("wrong password is UNAUTHENTICATED", resp.status.code == Code.UNAUTHENTICATED,
          code_name(pb, resp))
    check("... with 'wrong user name or password'",
          resp.status.message == "wrong user name or password", resp.status.message)

    resp = w.call(login=pb.Login(username="pyadmin", password=PASSWORD))
    check("Login answers OK", resp.status.code == Code.OK, resp.status.message)
    session = resp.session
    check("Login returns a 64-hex-character token",
          re.fullmatch(r"[0-9a-f]{64}", session.token, re.I) is not None, session.token)
    check("Login returns the user", session.user.name == "pyadmin" and
          session.user.role == pb.ROLE_FIRM_ADMIN, session.user)
    now = time.time()
    check("session expires in about seven days",
          now + 604800 - 60 <= session.expires_at <= now + 604800 + 60, session.expires_at)

    resp = w.call(whoami=pb.WhoAmI())
    check("WhoAmI answers OK", resp.status.code == Code.OK, resp.status.message)
    check("WhoAmI names the user", resp.session.user.name == "pyadmin", resp.session)
    check("WhoAmI carries no token", resp.session.token == "", resp.session.token)
    check("WhoAmI gives the same expiry", resp.session.expires_at == session.expires_at,
          resp.session.expires_at)

    # Pipelined: three requests in one write, answered in order.
    frames = b""
    ids = []
    for op in ({"office_add": pb.OfficeAdd(name="Py North")},
               {"office_list": pb.OfficeList()},
               {"whoami": pb.WhoAmI()}):
        req = pb.Request(id=1000 + len(ids), **op)
        ids.append(req.id)
        data = req.SerializeToString()
        frames += struct.pack(">I", len(data)) + data
    w.sock.sendall(frames)
    answers = [w.receive() for _ in ids]
    check("pipelined answers come in order", [a.id for a in answers] == ids,
          [a.id for a in answers])
    check("pipelined answers are OK", all(a.status.code == Code.OK for a in answers),
          [code_name(pb, a) for a in answers])
    check("pipelined OfficeList sees the OfficeAdd before it",
          any(o.name == "Py North" for o in answers[1].offices.offices), answers[1])

    # A second connection binds the same session with Authenticate.
    w2 = Wire(pb, port, tls_context(cert))
    w2.call(hello=pb.Hello(protocol_version=1, client_name="wire_test.py"))
    resp = w2.call(authenticate=pb.Authenticate(token=session.token))
    check("Authenticate with the token answers OK", resp.status.code == Code.OK,
          resp.status.message)
    check("Authenticate carries no token", resp.session.token == "", resp.session.token)

    resp = w.call(logout=pb.Logout())
    check("Logout answers Empty", resp.status.code == Code.OK and
          resp.WhichOneof("result") == "empty", resp)
    resp = w2.call(whoami=pb.WhoAmI())
    check("after Logout the token works nowhere", resp.status.code == Code.UNAUTHENTICATED,
          code_name(pb, resp))
    w2.close()

    # Garbage ends the connection with INVALID_ARGUMENT, id 0.
    w.sock.sendall(struct.pack(">I", 2) + b"\x08\xff")
    resp = w.receive()
    check("garbage frame is INVALID_ARGUMENT with id 0",
          resp is not None and resp.id == 0 and resp.status.code == Code.INVALID_ARGUMENT,
          resp)
    check("... and the connection is closed", w.receive() is None)
    w.close()


def main():
    if not FOLIOD:
        print("FOLIOD is not set")
        return 2
    tmp = tempfile.mkdtemp(prefix="folio-wire-test.")
    proc = None
    try:
        pb = compile_proto(tmp)
        proc, port, cert = start_server(tmp)
        try:
            run(pb, port, cert)
        except (OSError, ValueError) as e:
            check("the conversation with foliod", False, e)
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = "no exit"
        check("foliod exits 0 on SIGTERM", rc == 0, rc)
        if failed:
            with open(os.path.join(tmp, "foliod.log")) as f:
                print("---- foliod log ----\n" + f.read()[-4000:])
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
