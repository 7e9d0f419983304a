#!/usr/bin/python3
# smtpsink.py — a real SMTP server on loopback for the mail tests (Debian
# python3-aiosmtpd): prints its port, then keeps every message it accepts as
# DIR/N.eml (the message as received) and DIR/N.env (MAIL FROM, then each
# RCPT TO). It stops when its standard input closes, or at its deadline.
#   smtpsink.py DIR [--fail N] [--reject] [--auth USER:PASSWORD]
#               [--starttls CERT KEY] [--max-seconds S]
# --fail N answers the first N messages 451 (try again later); --reject
# answers every message 550 (refused for good); --auth requires AUTH with
# these credentials; --starttls offers STARTTLS with this certificate and
# requires it before anything else (AUTH included), and DIR/N.tls then says
# whether message N came over TLS ("tls" or "plain").
import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out, fail, reject):
        # Numbering goes on from what an earlier sink kept in the same DIR.
        self.out, self.fail, self.reject = out, fail, reject
        self.n = len([f for f in os.listdir(out) if f.endswith('.eml')])

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return '550 5.7.1 Refused for this test'
        if self.fail > 0:
            self.fail -= 1
            return '451 4.3.0 Try again later'
        self.n += 1
        base = os.path.join(self.out, str(self.n))
        with open(base + '.env.tmp', 'w') as f:
            f.write(envelope.mail_from + '\n' + '\n'.join(envelope.rcpt_tos) + '\n')
        with open(base + '.eml.tmp', 'wb') as f:
            f.write(envelope.original_content)
        with open(base + '.tls', 'w') as f:
            f.write(('tls' if session.ssl else 'plain') + '\n')
        os.rename(base + '.env.tmp', base + '.env')
        os.rename(base + '.eml.tmp', base + '.eml')
        return '250 2.0.0 Kept'


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dir')
    ap.add_argument('--fail', type=int, default=0)
    ap.add_argument('--reject', action='store_true')
    ap.add_argument('--auth')
    ap.add_argument('--starttls', nargs=2, metavar=('CERT', 'KEY'))
    ap.add_argument('--max-seconds', type=float, default=120)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    sink = Sink(a.dir, a.fail, a.reject)
    kw = {}
    if a.auth:
        user, password = a.auth.split(':', 1)

        def check(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login.decode() == user and data.password.decode() == password
            return AuthResult(success=ok)

        kw = dict(authenticator=check, auth_required=True, auth_require_tls=bool(a.starttls))
    if a.starttls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*a.starttls)
        kw.update(tls_context=ctx, require_starttls=True)
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(lambda: SMTP(sink, hostname='sink.test', **kw), '127.0.0.1', 0)
    print(srv.sockets[0].getsockname()[1], flush=True)
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    try:
        await asyncio.wait_for(stdin_closed, a.max_seconds)
    except asyncio.TimeoutError:
        pass
    srv.close()


asyncio.run(main())
