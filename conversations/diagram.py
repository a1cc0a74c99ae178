"""A playbook drawn as a diagram: positions computed here, SVG drawn by the template.

The journey reads top to bottom: the live states in the order a conversation meets them
(breadth-first from the entry, following transitions as declared), the terminal states in
a column to the right. An edge to the next state is a short line down; longer forward
edges arc on the right, edges back arc on the left, so loops stay visible without crossing
the states. Any-state transitions are listed, not drawn: they would connect every state to
an end one.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from conversations.journeys import ANY_STATE, Playbook

NODE_WIDTH = 190
NODE_HEIGHT = 46
ROW_GAP = 34
ARC_ROOM = 260  # room on the left for back edges
TERMINAL_GAP = 230
MARGIN = 20


@dataclass(frozen=True)
class Node:
    name: str
    x: int
    y: int
    terminal: bool
    entry: bool
    count: int

    @property
    def cx(self) -> int:
        return self.x + NODE_WIDTH // 2


@dataclass(frozen=True)
class Edge:
    path: str  # SVG path data
    label: str
    label_x: int
    label_y: int
    anchor: str = "middle"


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    any_state: list[tuple[str, str, str]]  # (triggers, target, outcome)
    node_width: int = NODE_WIDTH
    node_height: int = NODE_HEIGHT


def journey_order(playbook: Playbook) -> list[str]:
    order, queue = [playbook.entry], deque([playbook.entry])
    while queue:
        state = queue.popleft()
        for transition in playbook.transitions:
            if transition.source == state and transition.target not in order:
                order.append(transition.target)
                queue.append(transition.target)
    return order + [name for name in playbook.states if name not in order]


def place_nodes(playbook: Playbook, counts: dict[str, int]) -> dict[str, Node]:
    order = journey_order(playbook)
    live = [name for name in order if not playbook.states[name].terminal]
    ends = [name for name in order if playbook.states[name].terminal]
    nodes = {}
    for row, name in enumerate(live):
        nodes[name] = node(playbook, name, MARGIN + ARC_ROOM, row, counts)
    # End states sit beside the lower half of the journey, where conversations finish.
    first_row = max(0, len(live) - len(ends) * 2 + 1) // 2
    for offset, name in enumerate(ends):
        x = MARGIN + ARC_ROOM + NODE_WIDTH + TERMINAL_GAP
        nodes[name] = node(playbook, name, x, first_row + offset * 2, counts)
    return nodes


def node(playbook: Playbook, name: str, x: int, row: int, counts: dict[str, int]) -> Node:
    return Node(
        name=name,
        x=x,
        y=MARGIN + row * (NODE_HEIGHT + ROW_GAP),
        terminal=playbook.states[name].terminal,
        entry=name == playbook.entry,
        count=counts.get(name, 0),
    )


def edge_between(source: Node, target: Node, label: str, slot: int = 0) -> Edge:
    """`slot` numbers a state's edges to end states, so each leaves from its own point."""
    rows_apart = (target.y - source.y) // (NODE_HEIGHT + ROW_GAP)
    if target.terminal:  # to the end column: right side across, labelled where it leaves
        x1, y1 = source.x + NODE_WIDTH, source.y + 8 + (slot % 3) * 15
        x2, y2 = target.x, target.y + NODE_HEIGHT // 2
        path = f"M{x1},{y1} C{x1 + 120},{y1} {x2 - 90},{y2} {x2},{y2}"
        return Edge(path, label, x1 + 8, y1 - 3, "start")
    if rows_apart == 1:  # to the next state: straight down
        x = source.cx - 20
        path = f"M{x},{source.y + NODE_HEIGHT} L{x},{target.y}"
        return Edge(path, label, x + 6, source.y + NODE_HEIGHT + ROW_GAP // 2 + 4, "start")
    side = 1 if rows_apart > 0 else -1  # forward on the right, back on the left
    x1 = source.x + (NODE_WIDTH if side > 0 else 0)
    y1, y2 = source.y + NODE_HEIGHT // 2 + 6 * side, target.y + NODE_HEIGHT // 2 - 6 * side
    bulge = x1 + side * (40 + 22 * abs(rows_apart))
    path = f"M{x1},{y1} C{bulge},{y1} {bulge},{y2} {x1},{y2}"
    anchor = "start" if side > 0 else "end"
    return Edge(path, label, x1 + side * (34 + 16 * abs(rows_apart)), (y1 + y2) // 2, anchor)


def build_diagram(playbook: Playbook, counts: dict[str, int]) -> Diagram:
    nodes = place_nodes(playbook, counts)
    edges, any_state = [], []
    slots: dict[str, int] = {}
    for transition in playbook.transitions:
        triggers = " / ".join(transition.triggers)
        if transition.source == ANY_STATE:
            any_state.append((triggers, transition.target, transition.outcome or ""))
            continue
        source, target = nodes[transition.source], nodes[transition.target]
        label = f"{triggers} ({transition.outcome})" if transition.outcome else triggers
        slot = slots.get(source.name, 0)
        if target.terminal:
            slots[source.name] = slot + 1
        edges.append(edge_between(source, target, label, slot))
    width = max(node.x for node in nodes.values()) + NODE_WIDTH + MARGIN
    height = max(node.y for node in nodes.values()) + NODE_HEIGHT + MARGIN
    return Diagram(width, height, list(nodes.values()), edges, any_state)
