"""P5 evidence: transcript uploads are judged by content, size and name."""
from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given, strategies as st

from ecomm.errors import EcommError
from ecomm.policy import Policy
from ecomm.requests.evidence import safe_file_name, sniff_content_type, validate_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
GIF = b"GIF89a" + b"\x00" * 32
HTML = b"<html><script>alert(1)</script></html>"
POLICY = Policy()


@pytest.mark.parametrize("data,ctype,name,expected", [
    (PNG, "image/png", "transcript.png", "transcript.png"),
    (JPEG, "image/jpeg", "Transcript Photo.JPEG", "Transcript Photo.jpeg"),
    (PDF, "application/pdf", "percipio.pdf", "percipio.pdf"),
])
def test_p5_png_jpeg_pdf_accepted_by_content(data, ctype, name, expected):
    up = validate_upload(name, data, POLICY)
    assert up.content_type == ctype
    assert up.name == expected
    assert up.size == len(data)
    assert up.sha256 == hashlib.sha256(data).hexdigest()
    assert up.data == data


@pytest.mark.parametrize("data,name", [
    (GIF, "transcript.png"),
    (HTML, "transcript.pdf"),
    (b"MZ\x90\x00 executable", "transcript.jpg"),
    (b"just some text", "notes.png"),
])
def test_p5_wrong_type_by_content_refused_even_with_right_extension(data, name):
    with pytest.raises(EcommError, match="P5: .* is not a PNG, JPEG or PDF"):
        validate_upload(name, data, POLICY)


def test_p5_empty_file_refused():
    with pytest.raises(EcommError, match="P5: empty.png is empty"):
        validate_upload("empty.png", b"", POLICY)


def test_p5_file_over_policy_size_refused():
    small = Policy(upload_max_bytes=len(PNG) - 1)
    with pytest.raises(EcommError, match="largest file accepted"):
        validate_upload("big.png", PNG, small)
    # exactly at the limit is accepted
    assert validate_upload("ok.png", PNG, Policy(upload_max_bytes=len(PNG))).size == len(PNG)


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd.png", "passwd.png"),
    ("..\\..\\windows\\system32\\evil.png", "evil.png"),
    ("/absolute/path/shot.png", "shot.png"),
    ("..png", "transcript.png"),
    ("..", "transcript.png"),
    ("", "transcript.png"),
    (".hidden.png", "hidden.png"),
    ("résumé <script>.png", "resume _script.png"),
    ("shot\x00.png", "shot.png"),
])
def test_p5_names_lose_folders_traversal_and_unsafe_characters(name, expected):
    assert validate_upload(name, PNG, POLICY).name == expected


def test_p5_extension_follows_content():
    assert validate_upload("scan.pdf", PNG, POLICY).name == "scan.png"
    assert validate_upload("scan", JPEG, POLICY).name == "scan.jpg"
    assert validate_upload("scan.exe", PDF, POLICY).name == "scan_exe.pdf"


def test_p5_sniff_does_not_trust_a_late_magic():
    assert sniff_content_type(b"junk" + PNG) is None
    assert sniff_content_type(PNG) == "image/png"


@given(st.text(max_size=300))
def test_p5_any_name_becomes_safe(name):
    safe = safe_file_name(name, "image/png")
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._ -]*\.png", safe), safe
    assert "/" not in safe and "\\" not in safe and ".." not in safe
    assert len(safe) <= 100
