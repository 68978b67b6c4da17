"""The HTML reader on pages shaped like those saved from government portals."""
from __future__ import annotations

import unicodedata

import pytest

from ingest.base import ReadError
from ingest.html import read_html
from ingest.legacy import encode_tcvn3
from ingest.normalize import build_layout
from vanban.models import BlockKind

PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">
<title>Cổng thông tin điện tử tỉnh</title>
<style>p { text-align: justify }</style>
<script>document.write("<p>không in</p>");</script>
</head>
<body>
<nav><a href="/">Trang chủ</a> | <a href="/van-ban">Văn bản</a></nav>
<h1>KẾ HOẠCH</h1>
<h2>Cải cách hành chính năm 2023</h2>
<p>Căn cứ Luật Tổ chức chính quyền địa phương&nbsp;ngày 19/6/2015;</p>
<p>Ủy ban nhân dân tỉnh
   ban hành Kế hoạch &amp; hướng dẫn<br>thực hiện như sau:</p>
<table border="1">
  <tr><th rowspan="2">STT</th><th colspan="2">Kết quả</th><th rowspan="2">Ghi chú</th></tr>
  <tr><th>Năm 2022</th><th>Năm 2023</th></tr>
  <tr><td>1</td><td><p>Cải cách</p><p>thủ tục</p></td><td>95,5</td><td>-</td></tr>
  <tr><td>2</td><td colspan="2">Không đánh giá</td><td>&#8211;</td></tr>
</table>
<ul><li>Lãnh đạo UBND tỉnh;</li><li>Lưu: VT.</li></ul>
</body></html>
"""


def encode_cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


@pytest.fixture(scope="module")
def page():
    data = encode_cp1258(PAGE)
    return data, read_html(data)


def test_blocks_in_reading_order(page):
    _, result = page
    assert result.encoding == "windows-1258"
    assert [(b.kind, b.level) for b in result.blocks] == [
        (BlockKind.HEADING, 1), (BlockKind.HEADING, 2), (BlockKind.PARAGRAPH, None),
        (BlockKind.PARAGRAPH, None), (BlockKind.TABLE, None), (BlockKind.PARAGRAPH, None),
        (BlockKind.PARAGRAPH, None)]
    texts = [b.text for b in result.blocks if b.kind != BlockKind.TABLE]
    assert texts == ["KẾ HOẠCH", "Cải cách hành chính năm 2023",
                     "Căn cứ Luật Tổ chức chính quyền địa phương\u00a0ngày 19/6/2015;",
                     "Ủy ban nhân dân tỉnh ban hành Kế hoạch & hướng dẫn\nthực hiện như sau:",
                     "Lãnh đạo UBND tỉnh;", "Lưu: VT."]


def test_script_style_title_and_navigation_dropped(page):
    _, result = page
    everything = " ".join(b.text for b in result.blocks)
    for dropped in ("không in", "text-align", "Cổng thông tin", "Trang chủ"):
        assert dropped not in everything


def test_table_grid_with_spans(page):
    _, result = page
    (table,) = [b for b in result.blocks if b.kind == BlockKind.TABLE]
    assert table.rows == [
        ["STT", "Kết quả", "", "Ghi chú"],
        ["", "Năm 2022", "Năm 2023", ""],
        ["1", "Cải cách\nthủ tục", "95,5", "-"],
        ["2", "Không đánh giá", "", "\u2013"],
    ]


def test_offsets_point_into_the_decoded_page(page):
    data, result = page
    decoded = unicodedata.normalize("NFC", data.decode("cp1258"))
    for block in result.blocks:
        if block.kind == BlockKind.TABLE:
            assert decoded.startswith("<table", block.origin)
            continue
        for char, origin in zip(block.text, block.origins, strict=True):
            if char.isalnum():
                assert decoded[origin] == char
    amp = next(b for b in result.blocks if "&" in b.text)
    assert decoded.startswith("&amp;", amp.origins[amp.text.index("&")])


def test_layout_of_a_page(page):
    _, result = page
    text = build_layout(result).text
    assert text.startswith("KẾ HOẠCH\n\nCải cách hành chính năm 2023\n\n")
    assert "Ủy ban nhân dân tỉnh ban hành Kế hoạch & hướng dẫn thực hiện như sau:" in text
    assert "1\tCải cách thủ tục\t95,5\t-" in text


def test_charset_from_meta_utf8_and_without_meta():
    body = "<p>Quyết định số 12/QĐ-UBND ngày 05/3/2021</p>"
    declared = read_html(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode())
    sniffed = read_html(f"<html><body>{body}</body></html>".encode("utf-16"))
    assert [b.text for b in declared.blocks] == [b.text for b in sniffed.blocks] == \
        ["Quyết định số 12/QĐ-UBND ngày 05/3/2021"]
    assert (declared.encoding, sniffed.encoding) == ("utf-8", "utf-16-le")


def test_mislabelled_charset_loses_to_utf8():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Ủy ban nhân dân tỉnh</p></body></html>'
    result = read_html(page.encode("utf-8"))
    assert (result.encoding, result.blocks[0].text) == ("utf-8", "Ủy ban nhân dân tỉnh")


def test_page_in_tcvn3_font():
    body = encode_tcvn3("Ủy ban nhân dân tỉnh Khánh Hòa")
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{body}</p></body></html>'
    result = read_html(page.encode("cp1252"))
    assert (result.encoding, result.blocks[0].text) == ("tcvn3", "Uỷ ban nhân dân tỉnh Khánh Hoà")


def test_layout_table_is_unwrapped():
    page = "<table><tr><td><p>Điều 1. Phạm vi</p><p>Điều 2. Đối tượng</p></td></tr></table>"
    (block,) = read_html(page.encode()).blocks
    assert (block.kind, block.text) == (BlockKind.PARAGRAPH, "Điều 1. Phạm vi\n\nĐiều 2. Đối tượng")


def test_empty_page():
    with pytest.raises(ReadError, match="^empty file$"):
        read_html(b"")
