"""Agencies and places: expansion, canonical spelling, scope, splitting, mentions,
identity, province inference, and the sanity of the data files behind them.

The strings are written for these tests in the style of provincial plans and reports;
none is taken from the sample documents."""
from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from extractors import agencies
from extractors.agencies import (agency_key, canonical_agency, expand, find_agencies,
                                 restore_proper_names, same_agency, scope, split_agencies)
from vanban import geo
from vanban.datafiles import read_csv
from vanban.text import canonical, fold


# ------------------------------------------------------------------ data files

def test_province_eras_have_63_and_34_units():
    assert len(geo.provinces(geo.PRE_2025)) == 63
    assert len(geo.provinces(geo.POST_2025)) == 34


@pytest.mark.parametrize("era", [geo.PRE_2025, geo.POST_2025])
def test_no_two_provinces_of_an_era_share_a_folded_name_or_alias(era):
    keys = Counter(k for p in geo.provinces(era) for k in {fold(n) for n in (p.name, *p.aliases)})
    assert [k for k, n in keys.items() if n > 1] == []


def test_folded_column_is_the_folded_name():
    for row in read_csv("provinces.csv"):
        assert row["folded"] == fold(row["name"])


def test_every_pre_2025_province_has_a_2025_successor():
    post = {p.name for p in geo.provinces(geo.POST_2025)}
    assert {p.successor for p in geo.provinces(geo.PRE_2025)} <= post
    assert {p.name for p in geo.provinces(geo.PRE_2025)} & post == post - {"Huế"}


def test_every_district_belongs_to_a_known_province():
    pre = {p.name for p in geo.provinces(geo.PRE_2025)}
    assert {d.province for d in geo.districts()} <= pre
    assert sum(d.status == "current" for d in geo.districts()) == 705
    assert {d.type for d in geo.districts()} == {"quận", "huyện", "thị xã", "thành phố"}


@pytest.mark.parametrize("name", ["abbreviations.csv", "agency_kinds.csv", "provinces.csv",
                                  "districts.csv"])
def test_data_files_say_where_they_come_from_and_are_canonical(name):
    from importlib import resources
    raw = (resources.files("vanban") / "data" / name).read_text(encoding="utf-8")
    assert raw.startswith("# ")
    assert unicodedata.normalize("NFC", raw) == raw
    assert canonical(raw) == raw          # new tone placement, plain dashes and spaces


def test_agency_kinds_are_unique_and_well_formed():
    names = [k.name for k in agencies.kinds()]
    assert len(names) == len(set(names))
    assert {k.level for k in agencies.kinds()} <= {"central", "province", "district", "commune",
                                                   "any"}
    short = Counter(s for k in agencies.kinds() for s in k.short_forms)
    assert [s for s, n in short.items() if n > 1] == []


def test_abbreviation_rows_are_well_formed():
    rows = read_csv("abbreviations.csv")
    assert {r["kind"] for r in rows} <= {"agency", "word", "title", "name"}
    for r in rows:
        assert r["context"] == "" or r["context"].split(":", 1)[0] in ("after", "before")
    defaults = Counter(r["abbreviation"] for r in rows if not r["context"])
    assert [a for a, n in defaults.items() if n > 1] == []


# ------------------------------------------------------------------ expansion

@pytest.mark.parametrize("written, expanded", [
    ("Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
    ("UBND các huyện, TX, TP", "Ủy ban nhân dân các huyện, thị xã, thành phố"),
    ("UBND cấp huyện", "Ủy ban nhân dân cấp huyện"),
    ("Ban cán sự đảng UBND tỉnh", "Ban cán sự đảng Ủy ban nhân dân tỉnh"),
    ("Chuyên trách CCHC", "Chuyên trách cải cách hành chính"),
    ("HĐND tỉnh", "Hội đồng nhân dân tỉnh"),
    ("MTTQ", "Mặt trận Tổ quốc Việt Nam"),
    ("Ủy ban MTTQ Việt Nam huyện", "Ủy ban Mặt trận Tổ quốc Việt Nam huyện"),
    ("BCĐ CCHC tỉnh", "Ban Chỉ đạo cải cách hành chính tỉnh"),
    ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Phòng TC-KH huyện", "Phòng Tài chính - Kế hoạch huyện"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở NV", "Sở Nội vụ"),
    ("Sở TP", "Sở Tư pháp"),
    ("Sở CT", "Sở Công Thương"),
    ("BCH TƯ Đảng", "Ban Chấp hành Trung ương Đảng"),
    ("BTV TU", "Ban Thường vụ Tỉnh ủy"),
    ("UBKT Huyện ủy", "Ủy ban Kiểm tra Huyện ủy"),
    ("TT HĐND tỉnh", "Thường trực Hội đồng nhân dân tỉnh"),
    ("TT. Thành uỷ", "Thường trực Thành ủy"),
    ("UBND thị trấn, xã, phường", "Ủy ban nhân dân thị trấn, xã, phường"),
    ("UBND xã, phường, TT", "Ủy ban nhân dân xã, phường, thị trấn"),
    ("VP.UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("TP. Cẩm Phả", "Thành phố Cẩm Phả"),
    ("Trung tâm PV HCC tỉnh", "Trung tâm Phục vụ hành chính công tỉnh"),
    ("CT UBND huyện", "Chủ tịch Ủy ban nhân dân huyện"),
    ("CT, các PCT UBND tỉnh", "Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân tỉnh"),
])
def test_expand(written, expanded):
    assert expand(written) == expanded


@pytest.mark.parametrize("written, repaired", [
    ("Văn phòng UBDN tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("HĐDN huyện", "Hội đồng nhân dân huyện"),
    ("Sỏ Tài chính", "Sở Tài chính"),
    ("Sở Tài chinh, Sở Y tê", "Sở Tài chính, Sở Y tế"),
    ("Sở Tài chímh", "Sở Tài chính"),
    ("Trung tâm Văn hóa tinh", "Trung tâm Văn hóa tỉnh"),
    ("Ủy ban nhân dân cấp xa", "Ủy ban nhân dân cấp xã"),
])
def test_expand_repairs_typos_in_agency_names(written, repaired):
    assert expand(written) == repaired


@pytest.mark.parametrize("text", [
    "Sở dĩ kết quả chưa cao là do sở thích cá nhân",
    "Tổ chức bộ máy tinh gọn, hoạt động hiệu lực",
    "Tính toán lại định mức",
    "Thanh tra tính pháp lý của hồ sơ",
    "Thông tư số 01/2018/TT-VPCP và Nghị quyết số 12-NQ/TU, Kế hoạch số 9/KH-UBND",
    "Chỉ số PAPI, SIPAS, PCI, DDCI năm 2023",
    "thuế GTGT, hợp đồng HĐLĐ, đồng bào DTTS",
    "LUẬT ĐẦU TƯ CÔNG",
    "Hội đồng Dân tộc của Quốc hội",
    "CHỦ TỊCH QUỐC HỘI",
    "Mã số thuế TP = 12",
])
def test_expand_leaves_ordinary_text_alone(text):
    assert expand(text) == text


# ------------------------------------------------------------------ canonical spelling

@pytest.mark.parametrize("written, name", [
    ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "Ủy ban nhân dân tỉnh Quảng Ninh"),
    ("UỶ BAN NHÂN DÂN\nTỈNH BẮC GIANG", "Ủy ban nhân dân tỉnh Bắc Giang"),
    ("UBND TỈNH LẠNG SƠN", "Ủy ban nhân dân tỉnh Lạng Sơn"),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG", "Ban Chấp hành Trung ương"),
    ("TỈNH ỦY KHÁNH HÒA", "Tỉnh ủy Khánh Hòa"),
    ("TỈNH UỶ PHÚ YÊN", "Tỉnh ủy Phú Yên"),
    ("CHÁNH THANH TRA TỈNH KHÁNH HÒA", "Chánh Thanh tra tỉnh Khánh Hòa"),
    ("SỞ TƯ PHÁP", "Sở Tư pháp"),
    ("SỞ NỘI VỤ TỈNH SƠN LA", "Sở Nội vụ tỉnh Sơn La"),
    ("HUYỆN ỦY BẢO LẠC", "Huyện ủy Bảo Lạc"),
    ("ĐẢNG BỘ TỈNH ĐỒNG THÁP", "Đảng bộ tỉnh Đồng Tháp"),
    ("ỦY BAN NHÂN DÂN XÃ HƯƠNG LONG", "Ủy ban nhân dân xã Hương Long"),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
    ("BAN CHỈ ĐẠO CCHC TỈNH", "Ban Chỉ đạo cải cách hành chính tỉnh"),
    ("SNV", "Sở Nội vụ"),
    ("TTT", "Thanh tra tỉnh"),
    ("STP tỉnh Bắc Kạn", "Sở Tư pháp tỉnh Bắc Kạn"),
    ("sở nội vụ ninh thuận", "Sở Nội vụ Ninh Thuận"),
    ("ủy ban nhân dân huyện mường khương", "Ủy ban nhân dân huyện Mường Khương"),
    ("các cơ quan trung ương đóng trên địa bàn tỉnh",
     "Các cơ quan Trung ương đóng trên địa bàn tỉnh"),
    ("Sở nội vụ", "Sở Nội vụ"),
    ("Trung tâm Phục vụ Hành chính công tỉnh", "Trung tâm Phục vụ hành chính công tỉnh"),
    ("Trung tâm HCC cấp huyện", "Trung tâm Hành chính công cấp huyện"),
    ("Các sở, ban ngành", "Các sở, ban, ngành"),
    ("các Sở ban ngành", "Các sở, ban, ngành"),
    ("- Sở Tài chính;", "Sở Tài chính"),
    ("Ban Cán sự đảng UBND tỉnh", "Ban cán sự đảng Ủy ban nhân dân tỉnh"),
    ("SỞ KẾ HOẠCH & ĐẦU TƯ", "Sở Kế hoạch và Đầu tư"),
    ("Sở Văn hóa, Thể thao & Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
])
def test_canonical_agency(written, name):
    assert canonical_agency(written) == name


def test_canonical_agency_is_idempotent():
    for name in ("Ủy ban nhân dân tỉnh Quảng Ninh", "Ban Chấp hành Trung ương Đảng khóa XII",
                 "Sở Văn hóa, Thể thao và Du lịch", "Trung tâm Truyền thông tỉnh"):
        assert canonical_agency(name) == name
        assert canonical_agency(canonical_agency(name.upper())) == canonical_agency(name.upper())


def test_restore_proper_names_in_a_lowered_title():
    title = "kế hoạch cải cách hành chính tỉnh hà giang năm 2021 của ủy ban nhân dân huyện mèo vạc"
    assert restore_proper_names(title) == (
        "kế hoạch cải cách hành chính tỉnh Hà Giang năm 2021 "
        "của Ủy ban nhân dân huyện Mèo Vạc")


# ------------------------------------------------------------------ scope

@pytest.mark.parametrize("name, province, district, scoped", [
    ("Ủy ban nhân dân tỉnh", "Quảng Ninh", None, "Ủy ban nhân dân tỉnh Quảng Ninh"),
    ("UBND tỉnh", "tỉnh Bình Định", None, "Ủy ban nhân dân tỉnh Bình Định"),
    ("Ban Thường vụ Tỉnh ủy", "Quảng Ninh", None, "Ban Thường vụ Tỉnh ủy Quảng Ninh"),
    ("Ban Chấp hành Đảng bộ tỉnh", "Quảng Ninh", None, "Ban Chấp hành Đảng bộ tỉnh Quảng Ninh"),
    ("Tỉnh ủy", "Kon Tum", None, "Tỉnh ủy Kon Tum"),
    ("Thanh tra tỉnh", "Lào Cai", None, "Thanh tra tỉnh Lào Cai"),
    ("Chánh Thanh tra tỉnh", "Lào Cai", None, "Chánh Thanh tra tỉnh Lào Cai"),
    ("Đại hội Đảng bộ tỉnh lần thứ XVII", "Nghệ An", None,
     "Đại hội Đảng bộ tỉnh Nghệ An lần thứ XVII"),
    ("Sở Nội vụ", "Quảng Ninh", None, "Sở Nội vụ tỉnh Quảng Ninh"),
    ("Sở Nội vụ", "TP. Hồ Chí Minh", None, "Sở Nội vụ thành phố Hồ Chí Minh"),
    ("Ủy ban nhân dân thành phố", "Hà Nội", None, "Ủy ban nhân dân thành phố Hà Nội"),
    ("Ủy ban nhân dân thành phố", "Tây Ninh", "thành phố Tây Ninh",
     "Ủy ban nhân dân thành phố Tây Ninh"),
    ("Ủy ban nhân dân thành phố", "Tây Ninh", "Tây Ninh", "Ủy ban nhân dân thành phố Tây Ninh"),
    ("Ủy ban nhân dân huyện", "Ninh Thuận", "Ninh Hải", "Ủy ban nhân dân huyện Ninh Hải"),
    ("Huyện ủy", "Ninh Thuận", "huyện Bác Ái", "Huyện ủy Bác Ái"),
    ("Phòng Nội vụ", "Tây Ninh", "thành phố Tây Ninh", "Phòng Nội vụ thành phố Tây Ninh"),
    # not completed: a city's body named "huyện" does not take the city's name
    ("Ủy ban nhân dân huyện", "Tây Ninh", "Tây Ninh", "Ủy ban nhân dân huyện"),
    ("Ủy ban nhân dân thành phố", "Quảng Ninh", None, "Ủy ban nhân dân thành phố"),
    # already scoped, central, collective, or not a local body
    ("Ủy ban nhân dân tỉnh Khánh Hòa", "Quảng Ninh", None, "Ủy ban nhân dân tỉnh Khánh Hòa"),
    ("Ủy ban nhân dân xã Tân Lập", "Phú Thọ", None, "Ủy ban nhân dân xã Tân Lập"),
    ("Chính phủ", "Quảng Ninh", None, "Chính phủ"),
    ("Bộ Nội vụ", "Quảng Ninh", None, "Bộ Nội vụ"),
    ("Ban Chấp hành Trung ương Đảng khóa XII", "Quảng Ninh", None,
     "Ban Chấp hành Trung ương Đảng khóa XII"),
    ("Các sở, ban, ngành", "Quảng Ninh", None, "Các sở, ban, ngành"),
    ("Ủy ban nhân dân cấp huyện", "Quảng Ninh", None, "Ủy ban nhân dân cấp huyện"),
    ("Ủy ban nhân dân các huyện, thị xã, thành phố", "Quảng Ninh", None,
     "Ủy ban nhân dân các huyện, thị xã, thành phố"),
    ("Văn phòng", "Quảng Ninh", None, "Văn phòng"),
    ("Ủy ban nhân dân tỉnh", None, None, "Ủy ban nhân dân tỉnh"),
])
def test_scope(name, province, district, scoped):
    assert scope(name, province, district) == scoped


# ------------------------------------------------------------------ splitting

@pytest.mark.parametrize("cell, names", [
    ("Văn phòng UBND tỉnh; Trung tâm Phục vụ Hành chính công tỉnh; Các sở, ban ngành; "
     "UBND cấp huyện; UBND cấp xã.",
     ["Văn phòng Ủy ban nhân dân tỉnh", "Trung tâm Phục vụ hành chính công tỉnh",
      "Các sở, ban, ngành", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"]),
    ("Sở Nội vụ, Văn phòng UBND tỉnh và các cơ quan, đơn vị có liên quan",
     ["Sở Nội vụ", "Văn phòng Ủy ban nhân dân tỉnh", "Các cơ quan, đơn vị có liên quan"]),
    ("Sở Văn hóa, Thể thao và Du lịch, Sở Lao động - Thương binh và Xã hội và UBND cấp huyện, "
     "cấp xã",
     ["Sở Văn hóa, Thể thao và Du lịch", "Sở Lao động - Thương binh và Xã hội",
      "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"]),
    ("Sở GD&ĐT chủ trì; Sở KH&ĐT, Ban Quản lý các khu công nghiệp; Ban Xúc tiến và Hỗ trợ "
     "đầu tư",
     ["Sở Giáo dục và Đào tạo chủ trì", "Sở Kế hoạch và Đầu tư",
      "Ban Quản lý các khu công nghiệp", "Ban Xúc tiến và Hỗ trợ đầu tư"]),
    ("Công an tỉnh,\nBộ Chỉ huy Quân sự tỉnh, Sở Thông tin và\nTruyền thông và các sở,\n"
     "ngành liên quan.",
     ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Sở Thông tin và Truyền thông",
      "Các sở, ngành liên quan"]),
    ("- Sở Y tế (b/c);\n- UBND các huyện, TX, TP;\n- Lưu: VT.",
     ["Sở Y tế", "Ủy ban nhân dân các huyện, thị xã, thành phố", "Lưu: VT"]),
    ("Ủy ban MTTQ Việt Nam tỉnh, các tổ chức chính trị - xã hội",
     ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Các tổ chức chính trị - xã hội"]),
    ("UBND cấp huyện, cấp xã; UBND cấp huyện", ["Ủy ban nhân dân cấp huyện",
                                                 "Ủy ban nhân dân cấp xã"]),
    ("", []),
])
def test_split_agencies(cell, names):
    assert split_agencies(cell) == names


# ------------------------------------------------------------------ mentions in text

def test_find_agencies_in_running_text():
    text = ("Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, UBND các huyện, thị xã, "
            "thành phố và các sở, ban, ngành có liên quan tham mưu UBND tỉnh Hải Dương; "
            "Trung tâm Truyền thông tỉnh tăng cường tuyên truyền. UBND cấp huyện, cấp xã "
            "thực hiện theo Nghị quyết số 12-NQ/TU của Ban Thường vụ Tỉnh ủy.")
    found = [(m.surface, m.canonical, m.kind, m.level) for m in find_agencies(text)]
    assert found == [
        ("Sở Nội vụ", "Sở Nội vụ", "Sở Nội vụ", "province"),
        ("Sở Tài chính", "Sở Tài chính", "Sở Tài chính", "province"),
        ("UBND các huyện, thị xã, thành phố", "Ủy ban nhân dân các huyện, thị xã, thành phố",
         "Ủy ban nhân dân", "district"),
        ("các sở, ban, ngành có liên quan", "Các sở, ban, ngành có liên quan",
         "Các sở, ban, ngành", "province"),
        ("UBND tỉnh Hải Dương", "Ủy ban nhân dân tỉnh Hải Dương", "Ủy ban nhân dân", "province"),
        ("Trung tâm Truyền thông tỉnh", "Trung tâm Truyền thông tỉnh", None, "province"),
        ("UBND cấp huyện, cấp xã", "Ủy ban nhân dân cấp huyện, cấp xã", "Ủy ban nhân dân",
         "district"),
        ("Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", "province"),
    ]
    for m in find_agencies(text):
        assert text[m.start:m.end] == m.surface


def test_find_agencies_with_typos_places_and_lower_case_heads():
    text = "Sỏ Tài chính, Văn phòng UBDN tỉnh và huyện ủy Ninh Sơn; báo cáo qua sở Nội vụ."
    assert [(m.surface, m.canonical) for m in find_agencies(text)] == [
        ("Sỏ Tài chính", "Sở Tài chính"),
        ("Văn phòng UBDN tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("huyện ủy Ninh Sơn", "Huyện ủy Ninh Sơn"),
        ("sở Nội vụ", "Sở Nội vụ"),
    ]


def test_find_agencies_skips_symbols_and_ordinary_words():
    text = ("Quyết định số 15/QĐ-UBND; Sở dĩ chưa đạt; Thanh tra tính pháp lý; Bộ phận Một "
            "cửa được đánh giá cao.")
    assert [m.canonical for m in find_agencies(text)] == ["Bộ phận Một cửa"]


# ------------------------------------------------------------------ identity

def test_one_body_of_one_province_has_one_key():
    keys = {agency_key(x, "Quảng Ninh") for x in ("Sở NV", "Sở Nội vụ", "SNV", "SỞ NỘI VỤ",
                                                   "Sở Nội vụ tỉnh Quảng Ninh")}
    assert keys == {"so noi vu@quang ninh"}
    keys = {agency_key(x) for x in ("SNV Quảng Ninh", "sở nội vụ quảng ninh", "Sở NV tỉnh Quảng Ninh")}
    assert keys == {"so noi vu@quang ninh"}
    assert agency_key("SNV", "Khánh Hòa") == "so noi vu@khanh hoa"


def test_agency_keys():
    assert agency_key("UBND TỈNH QUẢNG NINH") == "uy ban nhan dan tinh@quang ninh"
    assert agency_key("Ban Thường vụ Tỉnh ủy", "Quảng Ninh") == \
        "ban thuong vu tinh uy@quang ninh"
    assert agency_key("Bộ Nội vụ") == "bo noi vu@central"
    assert agency_key("Ủy ban nhân dân thành phố Tây Ninh") == \
        "uy ban nhan dan thanh pho@tay ninh/tay ninh"
    assert agency_key("Các sở, ban ngành") == "cac so ban nganh@"


def test_same_agency():
    assert same_agency("Sở NV", "SNV", "Quảng Ninh")
    assert same_agency("Ủy ban nhân dân tỉnh", "UBND tỉnh Quảng Ninh")
    assert not same_agency("Sở Nội vụ tỉnh Quảng Ninh", "Sở Nội vụ tỉnh Khánh Hòa")
    assert not same_agency("UBND tỉnh Quảng Ninh", "UBND thành phố Hạ Long")
    assert not same_agency("Sở Nội vụ", "Bộ Nội vụ")
    assert same_agency(None, None) and not same_agency("Sở Nội vụ", None)


# ------------------------------------------------------------------ places

@pytest.mark.parametrize("district, province", [
    ("huyện Ninh Hải", "Ninh Thuận"),
    ("Ninh Hải", "Ninh Thuận"),
    ("TP. Hạ Long", "Quảng Ninh"),
    ("thị xã Hoàng Mai", "Nghệ An"),
    ("quận Hoàng Mai", "Hà Nội"),
    ("Quận 7", "Hồ Chí Minh"),
    ("huyện Đăk Glei", "Kon Tum"),             # spelling variant
    ("Hoàng Mai", None),                       # a quận of Hà Nội and a thị xã of Nghệ An
    ("Châu Thành", None),                      # a huyện in seven provinces
    ("huyện Phú Tân", None),                   # An Giang and Cà Mau
    ("huyện Không Có", None),
])
def test_province_of_district(district, province):
    assert geo.province_of_district(district) == province


def test_ambiguous_district_names_are_marked():
    assert geo.is_ambiguous_district("Châu Thành")
    assert geo.is_ambiguous_district("Bảo Lâm")            # Cao Bằng and Lâm Đồng
    assert not geo.is_ambiguous_district("Ninh Phước")


def test_infer_province_from_districts_only():
    text = ("Ban Thường vụ Tỉnh ủy thành lập Đoàn kiểm tra làm việc tại Huyện ủy Bác Ái; "
            "huyện ủy Thuận Nam và Thành ủy Phan Rang - Tháp Chàm.")
    assert geo.infer_province(text) == "Ninh Thuận"


def test_infer_province_from_a_list_after_one_unit_word():
    assert geo.infer_province("Trạm y tế các huyện Mường Tè, Sìn Hồ và Nậm Nhùn") == "Lai Châu"


def test_infer_province_ignores_ambiguous_districts():
    assert geo.infer_province("Kiểm tra tại huyện Châu Thành và huyện Phú Tân") is None
    assert geo.infer_province("Kế hoạch cải cách hành chính năm 2024") is None


def test_infer_province_explicit_province_wins_over_a_district():
    text = "UBND tỉnh Gia Lai phối hợp với huyện Sa Thầy tổ chức hội nghị"
    assert geo.infer_province(text) == "Gia Lai"


def test_infer_province_date_line_outweighs_mentions():
    text = ("Buôn Ma Thuột, ngày 3 tháng 4 năm 2019\n\nKẾ HOẠCH\nHọc tập kinh nghiệm của "
            "tỉnh Lâm Đồng và huyện Đức Trọng")
    assert geo.infer_province(text) == "Đắk Lắk"


def test_find_places():
    text = "UBND TP.HCM, Tỉnh ủy Khánh Hòa và các huyện Khánh Sơn, Khánh Vĩnh"
    assert [(p.surface, p.name, p.kind, p.province) for p in geo.find_places(text)] == [
        ("TP.HCM", "Hồ Chí Minh", "province", "Hồ Chí Minh"),
        ("Tỉnh ủy Khánh Hòa", "Khánh Hòa", "province", "Khánh Hòa"),
        ("huyện Khánh Sơn", "Khánh Sơn", "district", "Khánh Hòa"),
        ("Khánh Vĩnh", "Khánh Vĩnh", "district", "Khánh Hòa"),
    ]


def test_a_sentence_ending_in_a_unit_word_names_no_place():
    assert geo.find_places("đánh giá cấp huyện. 7. Kết quả") == []


@pytest.mark.parametrize("text, province", [
    ("Ủy ban nhân dân tỉnh Quảng Ninh", "Quảng Ninh"),
    ("UỶ BAN NHÂN DÂN\nTỈNH HÀ GIANG", "Hà Giang"),
    ("TP. Tây Ninh", "Tây Ninh"),
    ("Quảng Ninh", "Quảng Ninh"),
    ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("Kontum", "Kon Tum"),
    ("SỞ NỘI VỤ KHÁNH HÒA", "Khánh Hòa"),
    ("Chính phủ", None),
])
def test_province_in(text, province):
    assert geo.province_in(text) == province


def test_localities():
    assert geo.locality_in("Ủy ban nhân dân thành phố Tây Ninh") == "thành phố Tây Ninh"
    assert geo.locality_in("HUYỆN ỦY NINH HẢI") == "huyện Ninh Hải"
    assert geo.locality_in("Ủy ban nhân dân thành phố Hà Nội") is None
    assert geo.locality_name("TP. Tây Ninh") == "thành phố Tây Ninh"
    assert geo.locality_name("Ninh Hải") == "Ninh Hải"


def test_find_province_across_eras():
    assert geo.find_province("Thành phố Huế").era == geo.POST_2025
    assert geo.find_province("tỉnh Thừa Thiên Huế").successor == "Huế"
    assert geo.find_province("Hà Tây").successor == "Hà Nội"
    assert geo.find_province("huyện Ninh Hải") is None
