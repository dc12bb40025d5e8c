"""``keras.export``: exporting a model for serving, re-exported from
:mod:`keras.saving.export` (which documents it); also the command line
``python -m keras.export MODEL.h5 OUT.onnx [--format onnx|torch]``.
"""
import sys

from keras.saving.export import export_model, main

__all__ = ['export_model', 'main']

if __name__ == '__main__':
    sys.exit(main())
