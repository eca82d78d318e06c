"""政府信息公开 (part of stage 3): entry checks, 索引号, policy interpretations; the catalogue's outputs and the yearly report."""
