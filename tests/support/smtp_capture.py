#!/usr/bin/python3
"""A local SMTP capture for the tests and scripts/demo (python3-aiosmtpd).

    smtp_capture.py PORT DIR

Listens on 127.0.0.1:PORT and writes every message it receives to DIR as NNNN.eml (the raw message) and NNNN.txt
(decoded by Python's email package, independently of the sender: To, Subject, the X-Ejournal-Batch header, then a
blank line and the text body). Writes DIR/ready when it listens; stops on SIGTERM or SIGINT.
"""
import email
import email.header
import email.policy
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Capture:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            stem = os.path.join(self.directory, "%04d" % self.count)
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        subject = str(email.header.make_header(email.header.decode_header(msg.get("Subject", ""))))
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        charset = msg.get_content_charset() or ""
        decoded = "To: %s\nSubject: %s\nBatch: %s\nCharset: %s\nRcpt: %s\n\n%s" % (
            msg.get("To", ""), subject, msg.get("X-Ejournal-Batch", ""), charset, ",".join(envelope.rcpt_tos), text)
        for ext, data in ((".eml", raw), (".txt", decoded.encode("utf-8"))):
            with open(stem + ext + ".tmp", "wb") as f:
                f.write(data)
            os.rename(stem + ext + ".tmp", stem + ext)
        return "250 OK"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(Capture(directory), hostname="127.0.0.1", port=port)
    controller.start()
    with open(os.path.join(directory, "ready"), "w") as f:
        f.write(str(os.getpid()))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
