"""View helpers for the pages: extracted spans laid over the text, the citation
graph laid out in columns around a document, tasks grouped by agency."""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

FIELD_LABELS = {
    "doc_type": "Loại văn bản", "number": "Số, ký hiệu", "issuer": "Cơ quan ban hành",
    "place": "Địa danh", "issued_date": "Ngày ban hành", "title": "Trích yếu",
    "signer": "Người ký", "signer_name": "Người ký", "signer_position": "Chức vụ người ký",
    "recipients": "Nơi nhận", "province": "Tỉnh, thành phố",
}
KIND_LABELS = {"field": "Trường thông tin", "citation": "Trích dẫn", "task": "Nhiệm vụ",
               "deadline": "Thời hạn", "score": "Chỉ số"}
# Later kinds are drawn over earlier ones where spans overlap (a citation inside a task).
KIND_ORDER = ("task", "citation", "deadline", "score", "field")
RELATION_LABELS = {"can_cu": "Căn cứ", "thuc_hien": "Thực hiện", "kem_theo": "Kèm theo",
                   "sua_doi": "Sửa đổi, thay thế", "tham_chieu": "Tham chiếu"}
STATUS_LABELS = {"resolved": "Đã xác định", "ambiguous": "Chưa rõ, nhiều khả năng",
                 "unresolved": "Chưa có trong kho"}
JOB_STATE_LABELS = {"queued": "Đang chờ", "running": "Đang xử lý", "done": "Hoàn tất", "failed": "Lỗi"}
OUTCOME_LABELS = {"added": "Đã thêm", "present": "Đã có (trùng)"}
ORIGIN_LABELS = {"upload": "Tải lên", "watch": "Thư mục theo dõi"}


# ---------------------------------------------------------------- spans over text

@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str
    key: str       # "c3" for the third citation: the same index as its id (doc.c3)
    label: str


@dataclass
class Segment:
    text: str
    kinds: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)   # keys whose first span starts here
    title: str = ""


def _span(value: Any) -> tuple[int, int] | None:
    if isinstance(value, dict) and isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
        return value["start"], value["end"]
    return None


def marks_of(record: dict[str, Any]) -> list[Mark]:
    """Every span the extraction recorded, whatever subset of them exists."""
    found: list[tuple[Any, str, str, str]] = []
    for name, span in (record.get("spans") or {}).items():
        found.append((span, "field", f"f-{name}", FIELD_LABELS.get(name, name)))
    signer = record.get("signer") or {}
    found.append((signer.get("span"), "field", "f-signer", "Người ký"))
    for i, c in enumerate(record.get("citations") or [], start=1):
        for span in [c.get("span"), *(c.get("mentions") or [])]:
            found.append((span, "citation", f"c{i}", c.get("surface") or "Trích dẫn"))
    for i, t in enumerate(record.get("tasks") or [], start=1):
        found.append((t.get("span"), "task", f"t{i}", f"Nhiệm vụ {t.get('ref') or i}"))
        deadline = t.get("deadline") or {}
        found.append((deadline.get("span"), "deadline", f"t{i}", deadline.get("text") or "Thời hạn"))
    for i, s in enumerate(record.get("scores") or [], start=1):
        found.append((s.get("span"), "score", f"s{i}", f"{s.get('index')} {s.get('value')}"))
    marks = {Mark(*span, kind, key, label)
             for raw, kind, key, label in found if (span := _span(raw)) and span[0] < span[1]}
    return sorted(marks, key=lambda m: (m.start, -m.end, m.key))


def highlight(text: str, start: int, end: int, marks: Iterable[Mark]) -> list[Segment]:
    """`text[start:end]` cut where spans begin and end; each piece knows the spans over it."""
    inside = [Mark(max(m.start, start), min(m.end, end), m.kind, m.key, m.label)
              for m in marks if m.start < end and m.end > start]
    bounds = sorted({start, end, *(m.start for m in inside), *(m.end for m in inside)})
    opening: dict[int, list[Mark]] = defaultdict(list)
    for m in inside:
        opening[m.start].append(m)
    active: list[Mark] = []
    seen: set[str] = set()
    segments = []
    for a, b in zip(bounds, bounds[1:]):
        active = [m for m in active if m.end > a] + opening[a]
        anchors = [m.key for m in opening[a] if m.key not in seen]
        seen.update(anchors)
        kinds = sorted({m.kind for m in active}, key=KIND_ORDER.index)
        segments.append(Segment(text[a:b], kinds, sorted({m.key for m in active}), anchors,
                                " · ".join(dict.fromkeys(m.label for m in active))))
    return segments


# ---------------------------------------------------------------- citation graph

NODE_W, NODE_H = 170, 46
COLUMN_GAP, ROW_GAP, MARGIN = 110, 14, 20


ARROW = 5             # px left before a box for the arrowhead


def _edge_path(a: dict[str, Any], b: dict[str, Any]) -> str:
    """SVG path from box `a` to box `b`: between columns an S-curve from side to
    side that stays in the gap (it never crosses a box of either column); within a
    column a straight line from border to border."""
    if a["x"] != b["x"]:
        way = 1 if b["x"] > a["x"] else -1
        x1, x2 = a["x"] + way * NODE_W / 2, b["x"] - way * (NODE_W / 2 + ARROW)
        bend = (x2 - x1) / 2
        return f"M{x1:.1f},{a['y']:.1f} C{x1 + bend:.1f},{a['y']:.1f} {x2 - bend:.1f},{b['y']:.1f} {x2:.1f},{b['y']:.1f}"
    way = 1 if b["y"] > a["y"] else -1
    y1, y2 = a["y"] + way * NODE_H / 2, b["y"] - way * (NODE_H / 2 + ARROW)
    return f"M{a['x']:.1f},{y1:.1f} L{b['x']:.1f},{y2:.1f}"


def _columns(graph: dict[str, Any], center: str) -> dict[str, int]:
    """Each node's column: +1 for every citation followed forward from `center`, -1
    backward, so citing documents stand left of what they cite (first reach wins)."""
    steps: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for e in graph.get("edges", []):
        steps[e["source"]].append((e["target"], 1))
        steps[e["target"]].append((e["source"], -1))
    column = {center: 0}
    queue = deque([center])
    while queue:
        current = queue.popleft()
        for other, step in sorted(steps[current]):
            if other not in column:
                column[other] = column[current] + step
                queue.append(other)
    for node in graph.get("nodes", []):
        column.setdefault(node["id"], max(column.values()) + 1)
    return column


def layout_graph(graph: dict[str, Any], center: str) -> dict[str, Any]:
    """Citing documents left, cited ones right, one column per hop; each column a
    stack of boxes, centred on the tallest; edges from box border to box border."""
    nodes = {n["id"]: n for n in graph.get("nodes", [])}
    nodes.setdefault(center, {"id": center})
    column = _columns(graph, center)
    stacks: dict[int, list[str]] = defaultdict(list)
    for node_id in sorted(nodes, key=lambda i: (i != center, bool(nodes[i].get("placeholder")),
                                                 node_label(nodes[i]), i)):
        stacks[column[node_id]].append(node_id)
    first, tallest = min(stacks), max(len(ids) for ids in stacks.values())
    height = tallest * (NODE_H + ROW_GAP) - ROW_GAP + 2 * MARGIN
    placed = {}
    for col, ids in stacks.items():
        top = (height - (len(ids) * (NODE_H + ROW_GAP) - ROW_GAP)) / 2
        for row, node_id in enumerate(ids):
            placed[node_id] = {**nodes[node_id], "center": node_id == center, "label": node_label(nodes[node_id]),
                               "x": MARGIN + (col - first) * (NODE_W + COLUMN_GAP) + NODE_W / 2,
                               "y": round(top + row * (NODE_H + ROW_GAP) + NODE_H / 2, 1)}
    edges = [{**e, "path": _edge_path(placed[e["source"]], placed[e["target"]])}
             for e in graph.get("edges", [])
             if e["source"] in placed and e["target"] in placed and e["source"] != e["target"]]
    width = (max(stacks) - first + 1) * (NODE_W + COLUMN_GAP) - COLUMN_GAP + 2 * MARGIN
    return {"nodes": list(placed.values()), "edges": edges, "width": width, "height": round(height),
            "box": {"w": NODE_W, "h": NODE_H}}


def node_label(node: dict[str, Any]) -> str:
    return node.get("number") or node.get("doc_type") or node.get("title") or node["id"][:10]


# ---------------------------------------------------------------- task board

UNNAMED_AGENCY = "Chưa rõ cơ quan chủ trì"


def board(tasks: list[dict[str, Any]], today: str) -> list[dict[str, Any]]:
    """Tasks by lead agency (the agency with the most tasks first), each lane by due
    date with undated tasks last; `overdue` marks a due date before `today`."""
    lanes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in tasks:
        lanes[t.get("lead") or UNNAMED_AGENCY].append(
            {**t, "overdue": bool(t.get("due")) and t["due"] < today})
    return [{"agency": agency, "tasks": sorted(items, key=lambda t: (t.get("due") is None, t.get("due") or "")),
             "overdue": sum(t["overdue"] for t in items)}
            for agency, items in sorted(lanes.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
