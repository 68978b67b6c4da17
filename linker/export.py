"""Graph serialisation: GraphML for Gephi, yEd, networkx and friends."""
from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

_NS = "http://graphml.graphdrawing.org/xmlns"
_NODE_ATTRS = ("doc_type", "number", "issuer", "issued_date", "title", "placeholder")
_EDGE_ATTRS = ("citation_id", "relation", "status")


def to_graphml(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> str:
    """A directed GraphML document: citing document -> cited document or placeholder."""
    ET.register_namespace("", _NS)
    root = ET.Element(f"{{{_NS}}}graphml")
    for scope, names in (("node", _NODE_ATTRS), ("edge", _EDGE_ATTRS)):
        for name in names:
            ET.SubElement(root, f"{{{_NS}}}key", {"id": name, "for": scope, "attr.name": name,
                                                  "attr.type": "boolean" if name == "placeholder" else "string"})
    graph = ET.SubElement(root, f"{{{_NS}}}graph", {"id": "vanban", "edgedefault": "directed"})
    for node in nodes:
        el = ET.SubElement(graph, f"{{{_NS}}}node", {"id": node["id"]})
        _data(el, node, _NODE_ATTRS)
    for i, edge in enumerate(edges):
        el = ET.SubElement(graph, f"{{{_NS}}}edge",
                           {"id": f"e{i}", "source": edge["source"], "target": edge["target"]})
        _data(el, edge, _EDGE_ATTRS)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _data(element: ET.Element, values: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        value = values.get(name)
        if value is None:
            continue
        data = ET.SubElement(element, f"{{{_NS}}}data", {"key": name})
        data.text = str(value).lower() if isinstance(value, bool) else str(value)
