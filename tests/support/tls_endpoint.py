"""A TLS endpoint on 127.0.0.1 in front of moto_server, with a self-signed CA made at test time (tests only).

AWS's endpoints speak HTTPS; moto_server speaks HTTP (its ``--ssl`` makes a throw-away certificate no test
can trust). ``TlsEndpoint(moto.url)`` generates a CA and a server certificate for 127.0.0.1 signed by it
(``cryptography``, installed with moto), listens with TLS on a free 127.0.0.1 port and pipes each decrypted
connection to moto_server, byte for byte. ``ca_path`` is the PEM to hand to ``aws_ca_bundle``; ``url`` the
``https://`` endpoint. Use it as a context manager: the listener and every connection thread are stopped.
"""

import datetime
import ipaddress
import os
import select
import socket
import ssl
import tempfile
import threading
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PIPE_TIMEOUT = 120  # seconds a silent connection is kept; bounded like everything else


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificates(directory):
    """Write ca.pem, server.pem and server.key in ``directory``; return their paths."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("privatelink.ecr test CA")).issuer_name(
        _name("privatelink.ecr test CA")).public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca.subject)
              .public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                          x509.DNSName("localhost")]), critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
    paths = {name: os.path.join(directory, name) for name in ("ca.pem", "server.pem", "server.key")}
    with open(paths["ca.pem"], "wb") as out:
        out.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths["server.pem"], "wb") as out:
        out.write(server.public_bytes(serialization.Encoding.PEM))
    with open(paths["server.key"], "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return paths["ca.pem"], paths["server.pem"], paths["server.key"]


class TlsEndpoint:
    """HTTPS on 127.0.0.1, piped to an HTTP target (moto_server)."""

    def __init__(self, target_url):
        target = urlsplit(target_url)
        self.target = (target.hostname, target.port)
        self.directory = tempfile.mkdtemp(prefix="privatelink-ecr-tls-")
        self.ca_path, cert, key = make_certificates(self.directory)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.listener = None
        self.url = None
        self.threads = []
        self.stopping = threading.Event()
        self.handshake_failures = 0

    def start(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(32)
        self.listener.settimeout(0.2)
        self.url = "https://127.0.0.1:%d" % self.listener.getsockname()[1]
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self.threads.append(accept)
        return self

    def stop(self):
        self.stopping.set()
        for thread in list(self.threads):
            thread.join(timeout=5)
        if self.listener:
            self.listener.close()
            self.listener = None
        for name in os.listdir(self.directory):
            os.unlink(os.path.join(self.directory, name))
        os.rmdir(self.directory)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                raw, _address = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(raw,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _serve(self, raw):
        raw.settimeout(10)
        try:
            client = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            # A client that does not trust the CA aborts the handshake: that is the test's point.
            self.handshake_failures += 1
            raw.close()
            return
        upstream = socket.create_connection(self.target, timeout=10)
        try:
            self._pipe(client, upstream)
        finally:
            client.close()
            upstream.close()

    def _pipe(self, client, upstream):
        client.setblocking(False)
        upstream.setblocking(False)
        idle_deadline = PIPE_TIMEOUT
        while not self.stopping.is_set() and idle_deadline > 0:
            # A TLS socket may hold decrypted bytes select() cannot see: drain it first.
            readable = [client] if client.pending() else select.select([client, upstream], [], [], 0.2)[0]
            if not readable:
                idle_deadline -= 0.2
                continue
            idle_deadline = PIPE_TIMEOUT
            for source in readable:
                sink = upstream if source is client else client
                try:
                    data = source.recv(65536)
                except (ssl.SSLWantReadError, BlockingIOError):
                    continue
                except OSError:
                    return
                if not data:
                    return
                sink.setblocking(True)
                try:
                    sink.sendall(data)
                except OSError:
                    return
                finally:
                    sink.setblocking(False)
