"""Compute: roll harmonised rows up to site, queue, vendor, region and global measures."""
