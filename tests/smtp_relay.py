#!/usr/bin/python3
"""smtp_relay.py - a real SMTP relay for folio's e-mail tests (aiosmtpd).

Listens on 127.0.0.1 (a free port, written to --port-file once listening),
requires STARTTLS with --cert/--key before MAIL, and writes each message it
accepts to --dir as N.eml (written whole, then renamed), with the envelope's
recipients in an X-Relay-To header on top. Answers, by recipient:
  a local part starting "reject"  550 for good (RCPT);
  a local part starting "defer"   451 for the first --defer attempts at that
                                  address (DATA), then accepts;
  a local part starting "hold"    451 always (DATA);
  anyone else                     250.
With --login USER:PASSWORD it offers AUTH (after STARTTLS) and takes that
pair only, and writes the user a message came from in X-Relay-Auth ("-"
for none). X-Relay-Peer names the connection a message came on (the
sender's address and port), so a test can tell one connection reused from
one per message. Stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import os
import signal
import socket
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Relay:
    def __init__(self, directory, defer):
        self.directory = directory
        self.defer = defer
        self.deferred = {}
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("reject"):
            return "550 5.1.1 mailbox unavailable: " + address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            if rcpt.split("@")[0].startswith("hold"):
                return "451 4.3.0 try again later"
            if rcpt.split("@")[0].startswith("defer"):
                seen = self.deferred.get(rcpt, 0)
                if seen < self.defer:
                    self.deferred[rcpt] = seen + 1
                    return "451 4.3.0 try again later"
        self.count += 1
        name = os.path.join(self.directory, "%06d.eml" % self.count)
        with open(name + ".tmp", "wb") as f:
            f.write(("X-Relay-To: %s\r\n" % ",".join(envelope.rcpt_tos)).encode())
            f.write(("X-Relay-TLS: %s\r\n" % ("yes" if session.ssl else "no")).encode())
            user = session.auth_data.login.decode() if session.authenticated else "-"
            f.write(("X-Relay-Auth: %s\r\n" % user).encode())
            f.write(("X-Relay-Peer: %s:%s\r\n" % tuple(session.peer[:2])).encode())
            f.write(envelope.original_content)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 queued as %d" % self.count


class TLSController(Controller):
    def __init__(self, handler, context, login, **kw):
        self.context = context
        self.login = login
        super().__init__(handler, **kw)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if (isinstance(auth_data, LoginPassword) and self.login is not None and
                (auth_data.login.decode(), auth_data.password.decode()) == self.login):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    def factory(self):
        extra = {}
        if self.login is not None:
            extra = {"authenticator": self.authenticate, "auth_require_tls": True}
        return SMTP(self.handler, tls_context=self.context, require_starttls=True,
                    hostname="relay.test", **extra)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--defer", type=int, default=2)
    ap.add_argument("--login", default=None)
    args = ap.parse_args()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    port = free_port()
    login = tuple(args.login.split(":", 1)) if args.login else None
    controller = TLSController(Relay(args.dir, args.defer), context, login, hostname="127.0.0.1",
                               port=port)
    controller.start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(args.port_file + ".tmp", args.port_file)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
