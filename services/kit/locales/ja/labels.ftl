# labels (ja)
