# labels (en)
