#!/usr/bin/env python3
"""A local SMTP server for redline's e-mail hook tests (aiosmtpd).

    smtp_server.py CERT KEY OUT_DIR USER PASSWORD

STARTTLS is required before anything else and AUTH with the one user before
a message is taken; each message is written to OUT_DIR as N.json
({"from", "to", "tls", "user", "data"}). Prints the port on its first line,
then serves until killed.
"""
import json
import os
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, out_dir, user, password = sys.argv[1:6]


class Handler:
    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(out_dir) if f.endswith(".json")])
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "user": (session.auth_data.login.decode()
                     if isinstance(session.auth_data, LoginPassword) else None),
            "data": envelope.content.decode("utf-8", "replace"),
        }
        tmp = os.path.join(out_dir, f"{n}.tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(out_dir, f"{n}.json"))
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == user.encode()
          and auth_data.password == password.encode())
    # `handled=False`: the server answers 535 itself on a failure.
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(
    Handler(),
    hostname="127.0.0.1",
    port=port,
    tls_context=context,
    require_starttls=True,
    authenticator=authenticate,
    auth_required=True,
    server_hostname="localhost",
)
controller.start()
print(port, flush=True)
while True:
    time.sleep(3600)
