#!/usr/bin/env python3
"""Checks the code's shape (the test command runs it): the module dependency graph of each crate has no cycle, and
no function is longer than 100 lines.

A module depends on another when its source names it: a `use crate::x`, `use super::x`, or a path such as
`crate::x::Item` or, inside a parent module, `child::Item`. Test modules (`#[cfg(test)] mod tests` at the end of a
file) are left out: a test may reach anywhere. On a cycle it prints the modules that form it and, for each, which of
them it names, and exits 1.

Function length: clippy's too_many_lines (threshold in clippy.toml) checks what the compiler sees, but not the bodies
of Yew's `#[component]` functions, which the macro rewrites; this counts every `fn`'s lines, from its signature to
its closing brace, in every .rs file under the roots given after `--lengths`.

Usage: check-structure.py DIR [DIR ...] [--lengths ROOT ...]  (each DIR a crate's src/).
"""
import os
import re
import sys


def modules(root):
    """Module path (`protocols::raft`, `crate` for the root) -> file."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith('.rs'):
                continue
            path = os.path.join(dirpath, f)
            parts = os.path.relpath(path, root)[:-3].split(os.sep)
            if parts[-1] == 'mod':
                parts = parts[:-1]
            if parts in (['lib'], ['main']) or parts[:1] == ['bin']:
                parts = ['crate'] if parts in (['lib'], ['main']) else parts
            out['::'.join(parts)] = path
    return out


def resolve(base, path, here, mods):
    """The longest module prefix of `base::path` as seen from module `here`."""
    start = [] if base == 'crate' else here[:-1] if base == 'super' else here
    best = None
    for k in range(len(path) + 1):
        name = '::'.join(start + path[:k]) or 'crate'
        if name in mods:
            best = name
    return best


def exported_macros(mods):
    """Names of `#[macro_export]` macros: they live at the crate root, so `crate::name` names the macro, not a
    dependency on lib.rs (the module that defines it depends on nothing for it)."""
    names = set()
    for path in mods.values():
        text = open(path, encoding='utf-8').read()
        names.update(re.findall(r'#\[macro_export\]\s*macro_rules!\s*(\w+)', text))
    return names


def dependencies(mods):
    graph = {}
    macros = exported_macros(mods)
    for mod, path in mods.items():
        text = open(path, encoding='utf-8').read()
        cut = text.find('#[cfg(test)]\nmod tests')
        if cut >= 0:
            text = text[:cut]
        text = re.sub(r'//.*', '', text)
        here = [] if mod == 'crate' else mod.split('::')
        deps = set()
        for m in re.finditer(r'\b(crate|super|self)((?:::[A-Za-z_]\w*)+)', text):
            path = m.group(2).strip(':').split('::')
            if m.group(1) == 'crate' and len(path) == 1 and path[0] in macros:
                continue
            deps.add(resolve(m.group(1), path, here, mods))
        for m in re.finditer(r'\buse\s+(crate|super|self)::\{([^;]*)\}', text):
            for item in re.findall(r'[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*', m.group(2)):
                deps.add(resolve(m.group(1), item.split('::'), here, mods))
        for m in re.finditer(r'(?<![\w:])([a-z_]\w*)::', text):
            child = '::'.join(here + [m.group(1)])
            if child in mods:
                deps.add(child)
        deps.discard(None)
        deps.discard(mod)
        graph[mod] = deps
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10_000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


MAX_FN_LINES = 100


def long_functions(root):
    """(lines, file, name) of every function longer than MAX_FN_LINES below `root`."""
    found = []
    for dirpath, _, files in os.walk(root):
        if 'target' in dirpath.split(os.sep):
            continue
        for f in files:
            if f.endswith('.rs'):
                path = os.path.join(dirpath, f)
                found += function_lengths(path, open(path, encoding='utf-8').read().split('\n'))
    return [x for x in found if x[0] > MAX_FN_LINES]


def function_lengths(path, lines):
    out = []
    for i, line in enumerate(lines):
        m = re.match(r'^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?fn\s+(\w+)', line)
        if not m or line.rstrip().endswith(';'):
            continue
        depth, started = 0, False
        for j in range(i, len(lines)):
            code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j])
            code = re.sub(r"'(\\.|[^'\\])'", "''", code).split('//')[0]
            depth += code.count('{') - code.count('}')
            started |= '{' in code
            if started and depth <= 0:
                out.append((j - i + 1, path, m.group(5)))
                break
            if not started and code.rstrip().endswith(';'):
                break
    return out


def main():
    ok = True
    args = sys.argv[1:]
    roots = args[args.index('--lengths') + 1:] if '--lengths' in args else []
    args = args[:args.index('--lengths')] if '--lengths' in args else args
    for root in roots:
        long = long_functions(root)
        if long:
            ok = False
            for n, path, name in sorted(long, reverse=True):
                print(f'{path}: fn {name} is {n} lines long (at most {MAX_FN_LINES})')
        else:
            print(f'{root}: no function over {MAX_FN_LINES} lines')
    for root in args:
        graph = dependencies(modules(root))
        found = cycles(graph)
        edges = sum(len(d) for d in graph.values())
        if not found:
            print(f'{root}: {len(graph)} modules, {edges} dependencies, no cycle')
            continue
        ok = False
        for comp in found:
            print(f'{root}: these modules depend on each other in a cycle:')
            for m in comp:
                print(f'    {m} -> {", ".join(sorted(d for d in graph[m] if d in comp))}')
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
