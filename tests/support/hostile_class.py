"""Build a test class of submissions from chapter 1's solution and student notebooks."""
import copy
import json
import sys
from pathlib import Path
import nbformat

def build(root: Path, folder: Path):
    solution = nbformat.read(root / "solutions/en/01_what_is_clv.ipynb", as_version=4)
    student = nbformat.read(root / "notebooks/en/01_what_is_clv.ipynb", as_version=4)
    def variant(name, base, edit=None, then=None):
        nb = copy.deepcopy(base)
        for change in (edit, then):
            if change:
                change(nb)
        # written as plain JSON: a hostile notebook may break the format's rules (duplicate ids)
        (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    def insert(code, where=None, cell_id="ch01-hostile"):
        def edit(nb):
            cell = nbformat.v4.new_code_cell(code, id=cell_id)
            nb.cells.insert(len(nb.cells) if where is None else where, cell)
        return edit
    def replace(cell_id, code):
        def edit(nb):
            next(c for c in nb.cells if c.id == cell_id).source = code
        return edit
    variant("right", solution)
    variant("partly_wrong", solution, replace("ch01-simple", "def simple_clv(aov, frequency, lifespan):\n    return aov + frequency + lifespan"))
    variant("untouched", student)
    variant("infinite_loop", solution, insert("while True:\n    pass"))
    variant("sys_exit", solution, insert("import sys\nsys.exit(3)", where=3))
    variant("os_exit", solution, insert("import os\nos._exit(1)", where=10))
    variant("memory_bomb", solution, insert("x = bytearray(50 * 2**30)"))
    variant("fork_bomb", solution, insert("import os\nwhile True:\n    os.fork()"))
    variant("output_flood", solution, insert("while True:\n    print('x' * 1_000_000)"))
    variant("flood_then_die", solution, insert(  # its flood, not its exit, is what to name
        "import os, time\nk = get_ipython().kernel\nfor _ in range(3):\n"
        "    k.session.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'x'},\n"
        "                   parent=k.get_parent(), buffers=[b'x' * 2**20])\n"
        "time.sleep(1)\nos._exit(1)", where=10))
    variant("flood_then_die_later", solution, insert(  # an earlier flood excuses no crash
        "import os, time\nk = get_ipython().kernel\nfor _ in range(3):\n"
        "    k.session.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'x'},\n"
        "                   parent=k.get_parent(), buffers=[b'x' * 2**20])\n"
        "time.sleep(1)", where=10), then=insert("import os\nos._exit(1)", where=12,
                                                cell_id="ch01-exit"))
    variant("rigged_eq", solution, replace("ch01-simple", "class Yes(float):\n    def __eq__(self, other):\n        return True\n    __hash__ = float.__hash__\ndef simple_clv(aov, frequency, lifespan):\n    return Yes(0.0)"))
    variant("patched_checker", student, insert("import clv_course, clv_course.checking\nclv_course.checking.judge = lambda *a, **k: None\nclv_course.check = lambda *a, **k: 'all right'\nimport clv_course.grading.probe as p\np.collect_all = lambda ids, ns, seed: {i: {} for i in ids}"))
    variant("deleted_cells", solution, lambda nb: nb.cells.__setitem__(slice(None), [c for c in nb.cells if not c.id.startswith("ch01-shop-value")]))
    variant("duplicated_cells", solution, lambda nb: nb.cells.extend(copy.deepcopy(nb.cells[:8])))
    variant("reordered_cells", solution, lambda nb: nb.cells.reverse())
    german = nbformat.read(root / "solutions/de/01_what_is_clv.ipynb", as_version=4)
    variant("in_german", german)
    for code, name in (("da", "in_danish"), ("it", "in_italian")):
        variant(name, nbformat.read(root / f"solutions/{code}/01_what_is_clv.ipynb", as_version=4))
    variant("partly_wrong_in_german", german, replace("ch01-simple", "def simple_clv(aov, frequency, lifespan):\n    return aov + frequency + lifespan"))
    (folder / "malformed.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "picture.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "essay.txt").write_text("I did not do the notebook.", encoding="utf-8")

if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
