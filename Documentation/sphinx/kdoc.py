# SPDX-License-Identifier: GPL-2.0-only
"""Pull kernel-doc comments from our sources into the documentation.

Usage in a .rst file (paths relative to the repository root)::

    .. kernel-doc:: include/linux/mdev.h

    .. kernel-doc:: core/vfio_main.c
       :export:

The target kernel tree's ``scripts/kernel-doc`` does the parsing: it prints
reStructuredText, which we parse in place of the directive.  Anything it
complains about on stderr becomes a Sphinx warning (and so an error under
-W), pointing at the .rst line that asked for the file.
"""

import glob
import os
import re
import subprocess

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
import sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def find_kerneldoc(app):
    """conf value, then $KERNELDOC, then $KDIR, then any 6.1 headers tree."""
    if app.config.kerneldoc_bin:
        return app.config.kerneldoc_bin
    if os.environ.get('KERNELDOC'):
        return os.environ['KERNELDOC']
    candidates = []
    if os.environ.get('KDIR'):
        candidates.append(os.path.join(os.environ['KDIR'], 'scripts/kernel-doc'))
    candidates += sorted(glob.glob('/usr/src/linux-headers-6.1.0-*-common/scripts/kernel-doc'),
                         reverse=True)
    for c in candidates:
        if os.path.isfile(c):
            return c
    return None


class KernelDoc(Directive):
    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec = {
        'export': directives.flag,      # only what the file EXPORT_SYMBOLs
        'internal': directives.flag,    # only what it does not export
        'functions': directives.unchanged,  # space-separated names
    }

    def run(self):
        env = self.state.document.settings.env
        app = env.app
        source = self.arguments[0]
        path = os.path.join(app.config.kerneldoc_srctree, source)
        where = self.state_machine.get_source_and_line(self.lineno)
        where = '%s:%s' % where

        script = find_kerneldoc(app)
        if not script:
            logger.warning('kernel-doc: scripts/kernel-doc not found '
                           '(install linux-headers-amd64 or set KDIR)',
                           location=where)
            return []

        cmd = ['perl', script, '-rst', '-enable-lineno',
               '-sphinx-version', sphinx.__version__]
        if 'export' in self.options:
            cmd.append('-export')
        if 'internal' in self.options:
            cmd.append('-internal')
        for name in self.options.get('functions', '').split():
            cmd += ['-function', name]
        cmd.append(path)

        env.note_dependency(os.path.abspath(path))
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError as e:
            logger.warning('kernel-doc: cannot run %s: %s', script, e, location=where)
            return []

        for line in res.stderr.splitlines():
            if line.strip():
                logger.warning('kernel-doc: %s', line.strip(), location=where)
        if res.returncode != 0 and not res.stderr.strip():
            logger.warning('kernel-doc: %s exited with %d', source, res.returncode,
                           location=where)

        # ".. LINENO n" lines let rst errors point at the C source.
        lines = StringList()
        lineno = 0
        for line in res.stdout.splitlines():
            m = re.match(r'^\.\. LINENO (\d+)$', line)
            if m:
                lineno = int(m.group(1)) - 1
                continue
            lines.append(line, source, lineno)
            lineno += 1

        node = nodes.section()
        node.document = self.state.document
        self.state.nested_parse(lines, 0, node, match_titles=True)
        return node.children


def setup(app):
    app.add_config_value('kerneldoc_bin', None, 'env')
    app.add_config_value('kerneldoc_srctree', '..', 'env')
    app.add_directive('kernel-doc', KernelDoc)
    return {'version': '1.0', 'parallel_read_safe': True, 'parallel_write_safe': True}
