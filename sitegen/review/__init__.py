"""Review before publishing (三审: 撰稿, 审核, 签发): pages of a site that requires it wait for their approver."""
