"""Apps depend one way, and no module imports itself round a circle (the house style, STYLE.md).

    search  ->  content, personas  ->  home

Read from the source with the standard library: every import counts, including one inside a
function, so a circle cannot be hidden by moving an import into a function. import-linter's
acyclic contract looks only at siblings inside one package; the circles this project had ran
across apps (content.models -> home.models -> content.models), so this test reads the graph itself.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("home", "content", "personas", "search")

# The project's wiring, kept in home by the product card: the URLconf, the readiness checks it
# serves, management commands and template tags. They may import any app, and no module imports
# them (Django finds them by name), so they can never close a circle.
WIRING = ("home.urls", "home.readiness", "home.management.", "home.templatetags.")
# Modules that answer a request (views, APIs, admin views): no model imports one.
VIEW_MODULES = ("views", "admin_views", "import_views", "api", "file_access", "previews", "wagtail_hooks")

# Known and not yet removed; each names why. The test fails when one is gone, so the list only shrinks.
KNOWN_LAYER_BREAKS = set()
KNOWN_CYCLES = set()


def first_party_modules():
    """{dotted module name: path} for every module of the apps, migrations left out."""
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def import_graph(modules):
    """{module: set of first-party modules it imports anywhere in its file}. `from a.b import c`
    counts as importing a.b.c when that is a module, else a.b; importing a package's __init__
    (an app itself) is not counted."""

    def resolve(name):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    graph = {}
    for module, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] in APPS:
                    target = resolve(name)
                    if target and target != module and target not in APPS:
                        targets.add(target)
        graph[module] = targets
    return graph


def cycles(graph):
    """The strongly connected components with more than one module (Tarjan's algorithm), each a
    frozenset of module names."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph.get(module, ()):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def describe(component, graph):
    return "; ".join(f"{a} -> {b}" for a in sorted(component) for b in sorted(graph[a] & component))


GRAPH = import_graph(first_party_modules())


def app_of(module):
    return module.split(".")[0]


def is_wiring(module):
    return module in WIRING or module.startswith(tuple(name for name in WIRING if name.endswith(".")))


def test_no_module_imports_itself_round_a_circle():
    found = set(cycles(GRAPH))
    new = [describe(component, GRAPH) for component in found - KNOWN_CYCLES]
    assert not new, "Import circles (break them; an import inside a function still counts):\n" + "\n".join(new)
    assert found >= KNOWN_CYCLES, f"Gone, so take them off KNOWN_CYCLES: {KNOWN_CYCLES - found}"


def test_apps_depend_one_way():
    allowed = {
        "home": {"home"},
        "content": {"home", "content", "personas"},
        "personas": {"home", "content", "personas"},
    }
    breaks = {
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if not is_wiring(module) and app_of(target) not in allowed.get(app_of(module), set(APPS))
    }
    assert breaks - KNOWN_LAYER_BREAKS == set(), (
        "Imports against the apps' direction (search -> content, personas -> home)"
    )
    assert breaks >= KNOWN_LAYER_BREAKS, f"Gone, so take them off KNOWN_LAYER_BREAKS: {KNOWN_LAYER_BREAKS - breaks}"


def test_nothing_but_the_wiring_imports_the_wiring():
    importers = {
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if is_wiring(target) and not is_wiring(module)
    }
    assert importers == set()


def test_no_model_imports_a_view():
    model_modules = [module for module in GRAPH if module.split(".")[-1] == "models" or ".models." in module]
    imports = {(m, t) for m in model_modules for t in GRAPH[m] if t.split(".")[-1] in VIEW_MODULES}
    assert imports == set()


def test_the_check_sees_a_circle_hidden_in_a_function():
    """The reading itself: an import inside a function closes a circle as any other does."""
    graph = import_graph(first_party_modules())
    graph["home.models"] = graph["home.models"] | {"content.models"}  # as HomePage.get_context once did
    assert frozenset({"home.models", "content.models"}) <= set().union(*cycles(graph))
