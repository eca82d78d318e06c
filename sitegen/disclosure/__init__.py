"""政府信息公开: entry checks, 索引号, policy interpretations, the catalogue and the yearly report."""
