"""Every URL pattern of the site, as concrete URLs, for tests that walk them all.

``patterns()`` reads the resolver (not a hand list), so a page that lands tomorrow is walked
tomorrow. ``fill()`` turns one pattern into URLs by putting values into its path
parameters: valid ones (from ``PATH_VALUES`` by parameter name, else a pool of ids and
codes the test supplies) and hostile ones (0, a 20-digit id, unicode digits, long text).
``Recorder`` notes which query and form parameters a view reads, so the hostile-input test
learns them from the views themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

# Valid values of a path parameter, by its name: a function of the test's world (a dict of
# fixtures) returning a list of strings. Apps add theirs here, e.g.
#   PATH_VALUES["code"] = lambda world: [t.code for t in Target.objects.all()[:2]]
PATH_VALUES: dict[str, object] = {
    "fmt": lambda world: ["csv", "xlsx", "pdf"],
    "format": lambda world: ["json", "api", "csv"],
    "kind": lambda world: ["enterprises", "figures", "designations"],
}

HOSTILE_PATH = {
    "int": ["0", "99999999999999999999", str(2**63)],
    "str": ["x" * 300, "²", "٣", "%00", "abc", "1e999999"],
    "path": ["x" * 300, "²", "../../etc/passwd", "1e999999", "0"],
}


@dataclass(frozen=True)
class Pattern:
    name: str          # namespaced name, or the route for unnamed patterns
    route: str         # the joined route, e.g. 'policies/awards/<int:pk>/'
    params: tuple      # ((name, kind), ...) kind: int | str | path | regex

    def __str__(self):
        return self.name


_ROUTE_PARAM = re.compile(r"(?<!\?P)<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


def _route_of(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    text = pattern._regex
    text = text.lstrip("^")
    text = re.sub(r"/\?\$$", "/", text)
    return text.rstrip("$")


def patterns() -> list[Pattern]:
    out = []

    def walk(resolver, ns, prefix):
        for p in resolver.url_patterns:
            route = prefix + _route_of(p.pattern)
            if isinstance(p, URLResolver):
                walk(p, ns + (f"{p.namespace}:" if p.namespace else ""), route)
            elif isinstance(p, URLPattern):
                params = []
                for m in _ROUTE_PARAM.finditer(route):
                    conv = m.group("conv") or "str"
                    params.append((m.group("name"), "int" if conv == "int" else
                                   "path" if conv == "path" else "str"))
                for m in _REGEX_GROUP.finditer(route):
                    params.append((m.group("name"), "regex"))
                out.append(Pattern(f"{ns}{p.name}" if p.name else route, route, tuple(params)))

    walk(get_resolver(), "", "")
    return out


def _put(route: str, values: dict) -> str:
    def route_sub(m):
        return values[m.group("name")]

    url = _ROUTE_PARAM.sub(route_sub, route)
    url = _REGEX_GROUP.sub(route_sub, url)
    return "/" + url.replace("\\.", ".")


def fill(pattern: Pattern, valid: dict[str, list[str]], hostile: bool = True):
    """(url, hostile_param_or_None) for the pattern: every combination of the first valid
    values, then each parameter in turn given each hostile value (others valid)."""
    if not pattern.params:
        return [(_put(pattern.route, {}), None)]
    names = [n for n, _k in pattern.params]
    choices = {n: valid.get(n) or ["1"] for n in names}
    urls = []
    # valid: each value of each parameter once, the others at their first value
    for n in names:
        for v in choices[n]:
            values = {m: choices[m][0] for m in names}
            values[n] = v
            urls.append((_put(pattern.route, values), None))
    if hostile:
        for n, kind in pattern.params:
            pool = HOSTILE_PATH["int" if kind in ("int", "regex") and n in ("pk", "id")
                                else "path" if kind == "path" else "str"]
            for v in pool:
                values = {m: choices[m][0] for m in names}
                values[n] = v
                urls.append((_put(pattern.route, values), n))
    seen, unique = set(), []
    for url, h in urls:
        if url not in seen:
            seen.add(url)
            unique.append((url, h))
    return unique


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes the keys a view asks for (get, [], getlist, in)."""

    seen: set

    def __init__(self, *args, seen=None, **kwargs):
        self.seen = seen if seen is not None else set()
        super().__init__(*args, **kwargs)

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.seen.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)


class Recorder:
    """Middleware used by tests: replaces request.GET/POST with recording copies; the keys
    read land in ``Recorder.seen`` (a class attribute the test resets)."""

    seen: dict[str, set] = {"GET": set(), "POST": set()}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordingQueryDict(request.GET.urlencode(), seen=Recorder.seen["GET"])
        if request.method == "POST" and not request.FILES:
            post = RecordingQueryDict(request.POST.urlencode(), seen=Recorder.seen["POST"])
            request._post = post
        return self.get_response(request)
