#!/usr/bin/env python3
"""A local webhook receiver for redline's worker tests (Python's own
threaded HTTP server, keep-alive on).

    webhook_server.py OUT_FILE

Each POST body is appended to OUT_FILE as one line; the answer is 200 "ok".
Prints the port on its first line, then serves until killed.
"""
import http.server
import sys
import threading

out = sys.argv[1]
lock = threading.Lock()


class Hook(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock, open(out, "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
print(server.server_address[1], flush=True)
server.serve_forever()
