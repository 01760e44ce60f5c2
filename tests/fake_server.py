#!/usr/bin/python3
"""fake_server.py - a server that is not the firm's, for folio's token tests.

Listens on 127.0.0.1 on an ephemeral port (written to --port-file), over
TLS with --cert/--key or plaintext without. It answers a Hello with a
Welcome, as foliod would, so that folio goes on to what it sends next, and
appends every byte it receives (after TLS) to --capture: a test greps that
file for a session token that must never arrive. It writes nothing but the
Welcome; any other request is read and the connection closed. Runs until
killed.
"""
import argparse
import os
import socket
import ssl
import struct
import threading

READ_TIMEOUT = 5
FRAME_MAX = 1 << 20


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data, pos):
    value = shift = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos
    raise ValueError("truncated varint")


def fields(data):
    """(number, value) for each field of a protobuf message: ints for
    varints, bytes for length-delimited fields; others are skipped."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 2:
            length, pos = read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 1:
            value, pos = None, pos + 8
        elif wire == 5:
            value, pos = None, pos + 4
        else:
            raise ValueError("unknown wire type")
        yield number, value


def field_bytes(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def welcome_for(request):
    """The Response to a Hello Request, or None when it is none."""
    request_id, version = 0, None
    for number, value in fields(request):
        if number == 1:
            request_id = value
        elif number == 10:  # Request.hello
            version = dict(fields(value)).get(1, 0)
    if version is None:
        return None
    welcome = (field_bytes(1, b"fake") + field_bytes(2, b"Fake Firm") +
               varint(3 << 3) + varint(version))
    return (varint(1 << 3) + varint(request_id) + field_bytes(2, b"") +
            field_bytes(10, welcome))


def read_exactly(conn, n, capture, lock):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        with lock:
            with open(capture, "ab") as f:
                f.write(chunk)
        data += chunk
    return data


def serve(conn, capture, lock):
    try:
        conn.settimeout(READ_TIMEOUT)
        while True:
            (length,) = struct.unpack(">I", read_exactly(conn, 4, capture, lock))
            if length > FRAME_MAX:
                return
            request = read_exactly(conn, length, capture, lock)
            response = welcome_for(request)
            if response is None:
                return
            conn.sendall(struct.pack(">I", len(response)) + response)
    except (OSError, EOFError, ValueError, ssl.SSLError):
        pass
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--capture", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    context = None
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    open(args.capture, "ab").close()
    with open(args.port_file + ".new", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(args.port_file + ".new", args.port_file)
    lock = threading.Lock()
    while True:
        conn, _ = listener.accept()
        if context is not None:
            try:
                conn.settimeout(READ_TIMEOUT)
                conn = context.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):
                conn.close()
                continue
        threading.Thread(target=serve, args=(conn, args.capture, lock), daemon=True).start()


if __name__ == "__main__":
    main()
