dict
