"""The editors' review web page (`bulletin review`) and the verdict functions behind it."""
