# labels (ko)
