"""LTI 1.3 tool launches (pylti1p3) so that a course can award a badge on completion."""
