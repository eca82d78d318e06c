"""信息报送: units submit items to other sites' columns; the target's editors adopt or decline them."""
