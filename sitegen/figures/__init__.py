"""The units' figures: what each unit published, submitted and had adopted in a period (信息报送情况通报)."""
