"""RFC 6238 codes computed in the tests from the shared secret, independently of django-otp."""

import base64
import hashlib
import hmac
import struct
import time


def totp_code(secret_base32: str, *, steps_ahead: int = 0, step: int = 30) -> str:
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    counter = int(time.time()) // step + steps_ahead
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
