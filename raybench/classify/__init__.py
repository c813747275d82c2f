"""ONNX classifiers: file layout and carrier, column-to-field mapping, record type; YAML templates.

Modules, one job each:

* :mod:`~raybench.classify.sample` reads the start of a file into records (delimiter, banners, header).
* :mod:`~raybench.classify.features` turns a sample, a column or a descriptor into a numeric vector.
* :mod:`~raybench.classify.fields` the canonical fields a source column maps to, per layout.
* :mod:`~raybench.classify.corpus` perturbed training and evaluation productions from the generator.
* :mod:`~raybench.classify.train` fits scikit-learn models and exports them with skl2onnx.
* :mod:`~raybench.classify.models` runs the shipped ``.onnx`` files with onnxruntime (sessions made once).
* :mod:`~raybench.classify.templates` user templates (YAML) that take precedence over the models.
* :mod:`~raybench.classify.resolve` rules, then templates, then models: the layout a file is read with.
* :mod:`~raybench.harness.classify_eval` accuracy, calibration and template match rate on held-out data.

Nothing is loaded at import time; ONNX sessions are created on first use.
"""
