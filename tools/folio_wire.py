"""folio_wire - the folio protocol for the project's own Python tools.

Frames are a 4-byte big-endian length, then a Request or a Response
(proto/folio.proto); Python classes come from compiling that file with
protoc. tools/crashtest, tools/soak and tests/fuzz/make_corpus.py speak
through here; tests/wire_test.py keeps its own on purpose, as an
independent reading of the protocol.
"""
import importlib
import os
import socket
import ssl
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_FRAME = 64 * 1024 * 1024
PROTOCOL_VERSION = 1


class Lost(Exception):
    """The connection ended (or went silent) before an answer came."""


class Untrusted(Exception):
    """The server's certificate does not verify."""


def compile_proto(out_dir, timeout=60):
    """Compiles proto/folio.proto into out_dir and returns the folio_pb2
    module. Raises OSError or subprocess.SubprocessError when protoc fails."""
    os.makedirs(out_dir, exist_ok=True)
    proto_dir = os.path.join(ROOT, "proto")
    subprocess.run(["protoc", "--python_out=" + out_dir, "-I" + proto_dir,
                    os.path.join(proto_dir, "folio.proto")], check=True, timeout=timeout)
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    return importlib.import_module("folio_pb2")


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def request_frame(pb, rid, **op):
    """The frame of a Request with id rid and one op, given as op_name=message."""
    return frame(pb.Request(id=rid, **op).SerializeToString())


def frames(data):
    """The payloads of the whole frames in data, in order."""
    out, pos = [], 0
    while pos + 4 <= len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        if pos + 4 + n > len(data):
            break
        out.append(data[pos + 4:pos + 4 + n])
        pos += 4 + n
    return out


def responses(pb, data):
    """The Responses framed in data."""
    out = []
    for payload in frames(data):
        resp = pb.Response()
        resp.ParseFromString(payload)
        out.append(resp)
    return out


class Wire:
    """One TLS connection to a foliod on 127.0.0.1:port, verified with tls
    (an ssl.SSLContext trusting the firm's certificate)."""

    def __init__(self, pb, port, tls, timeout, source=None):
        """source: the loopback address to connect from; None, the system's."""
        self.pb = pb
        try:
            raw = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                           source_address=(source, 0) if source else None)
        except OSError as e:
            raise Lost("cannot connect: %s" % e) from e
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock = tls.wrap_socket(raw, server_hostname="127.0.0.1")
        except ssl.SSLCertVerificationError as e:
            raw.close()
            raise Untrusted("foliod's certificate does not verify: %s" % e) from e
        except OSError as e:  # ssl.SSLError too: killed during the handshake
            raw.close()
            raise Lost("TLS handshake: %s" % e) from e
        self.next_id = 1
        self.buf = b""

    def send(self, **op):
        rid = self.next_id
        self.next_id += 1
        try:
            self.sock.sendall(request_frame(self.pb, rid, **op))
        except OSError as e:
            raise Lost("send: %s" % e) from e
        return rid

    def _read(self, n):
        while len(self.buf) < n:
            try:
                chunk = self.sock.recv(max(65536, n - len(self.buf)))
            except OSError as e:
                raise Lost("receive: %s" % e) from e
            if not chunk:
                raise Lost("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def receive(self):
        (length,) = struct.unpack(">I", self._read(4))
        if length == 0 or length > MAX_FRAME:
            raise Lost("a frame of %d bytes" % length)
        resp = self.pb.Response()
        resp.ParseFromString(self._read(length))
        return resp

    def answer(self, rid):
        """The answer to request rid; notices (id 0) are skipped."""
        for _ in range(1000):
            resp = self.receive()
            if resp.id == 0 and resp.WhichOneof("result") == "notice":
                continue
            if resp.id != rid:
                raise Lost("answer to %d carries id %d" % (rid, resp.id))
            return resp
        raise Lost("no answer among 1000 notices")

    def call(self, **op):
        return self.answer(self.send(**op))

    def call_many(self, ops, batch=64):
        """Answers to ops (dicts of one op each), sent batch at a time."""
        out = []
        for i in range(0, len(ops), batch):
            ids = [self.send(**op) for op in ops[i:i + batch]]
            out.extend(self.answer(rid) for rid in ids)
        return out

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
