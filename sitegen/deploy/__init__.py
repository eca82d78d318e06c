"""Deploy: releases on web servers over SSH and rsync, rollback, and the nginx configuration."""
