# SPDX-License-Identifier: GPL-2.0-only
"""Render Documentation/ABI/ files, in the kernel's ABI format, in a page.

Usage in a .rst file (paths relative to the Documentation directory)::

    .. kernel-abi:: ABI/sysfs-bus-mdev

An ABI file is a list of entries separated by blank lines.  Each entry
starts with one or more ``What:`` lines, may have ``Date:``,
``KernelVersion:``, ``Contact:`` and ``Users:`` lines, and ends with a
``Description:`` whose text is indented on the following lines.  Each entry
becomes a definition list item: the paths as the term, the description
(parsed as reStructuredText) as the body.  Anything we cannot parse is a
Sphinx warning, and so an error under -W.
"""

import os
import re

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.util import logging

logger = logging.getLogger(__name__)

FIELD = re.compile(r'^(What|Date|KernelVersion|Contact|Users|Description):\s*(.*)$')


def parse_abi(text):
    """Return a list of entries: dicts of 'what' (list), fields, 'desc' lines."""
    entries = []
    cur = None
    in_desc = False
    for lineno, line in enumerate(text.splitlines(), 1):
        m = FIELD.match(line)
        if m:
            key, val = m.group(1), m.group(2).strip()
            if key == 'What':
                if cur is None or in_desc or cur.get('fields'):
                    cur = {'what': [], 'fields': {}, 'desc': [], 'line': lineno}
                    entries.append(cur)
                    in_desc = False
                cur['what'].append(val)
            elif cur is None:
                raise ValueError('line %d: %s: before any What:' % (lineno, key))
            elif key == 'Description':
                in_desc = True
                if val:
                    cur['desc'].append(val)
            else:
                cur['fields'][key] = val
        elif in_desc:
            cur['desc'].append(line)
        elif line.strip():
            raise ValueError('line %d: not a field: %r' % (lineno, line))
    for e in entries:
        if not any(l.strip() for l in e['desc']):
            raise ValueError('line %d: %s has no Description:' % (e['line'], e['what'][0]))
    return entries


def dedent(lines):
    """Strip the common leading whitespace (tabs count as 8 columns)."""
    lines = [l.expandtabs(8) for l in lines]
    while lines and not lines[-1].strip():
        lines.pop()
    indents = [len(l) - len(l.lstrip()) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return [l[cut:] for l in lines]


class KernelAbi(Directive):
    required_arguments = 1
    optional_arguments = 0
    has_content = False

    def run(self):
        env = self.state.document.settings.env
        rel = self.arguments[0]
        path = os.path.join(os.path.dirname(env.doc2path(env.docname)), rel)
        where = '%s:%s' % self.state_machine.get_source_and_line(self.lineno)

        env.note_dependency(os.path.abspath(path))
        try:
            with open(path, encoding='utf-8') as f:
                entries = parse_abi(f.read())
        except (OSError, ValueError) as e:
            logger.warning('kernel-abi: %s: %s', rel, e, location=where)
            return []

        out = StringList()
        for e in entries:
            out.append(' / '.join('``%s``' % w for w in e['what']), path, e['line'] - 1)
            meta = ['%s: %s' % (k, e['fields'][k])
                    for k in ('Date', 'KernelVersion', 'Contact', 'Users')
                    if k in e['fields']]
            body = dedent(e['desc'])
            if meta:
                body = ['*' + '; '.join(meta) + '*', ''] + body
            for l in body:
                out.append(('   ' + l) if l.strip() else '', path, e['line'] - 1)
            out.append('', path, e['line'] - 1)

        node = nodes.section()
        node.document = self.state.document
        self.state.nested_parse(out, 0, node, match_titles=False)
        return node.children


def setup(app):
    app.add_directive('kernel-abi', KernelAbi)
    return {'version': '1.0', 'parallel_read_safe': True, 'parallel_write_safe': True}
