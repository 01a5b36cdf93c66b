# SPDX-License-Identifier: GPL-2.0-only
#
# Sphinx configuration for Documentation/: `make htmldocs` at the top level
# builds it into build/htmldocs/ with Debian 12's python3-sphinx, warnings
# as errors.

import os
import sys

sys.path.insert(0, os.path.join(os.path.abspath(os.path.dirname(__file__)), 'sphinx'))

project = 'mdev framework'
copyright = 'the mdev framework authors'
author = 'the mdev framework authors'

extensions = ['kdoc', 'kabi']

# Paths in `.. kernel-doc::` are relative to the repository root.
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))

master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = ['_build', 'ABI', 'examples', 'sphinx']
primary_domain = 'c'
highlight_language = 'none'

# Kernel types the kernel-doc output mentions but that we do not document.
nitpicky = False

try:
    import sphinx_rtd_theme  # noqa: F401
    html_theme = 'sphinx_rtd_theme'
except ImportError:
    html_theme = 'alabaster'
html_title = 'mdev framework'
html_static_path = []
html_show_sourcelink = False

# Kernel annotations in prototypes, which the C domain would otherwise
# take for a syntax error.
c_id_attributes = ['__user', '__iomem', '__must_check']
