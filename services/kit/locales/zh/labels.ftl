# labels (zh)
