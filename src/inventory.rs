//! The deployment description (inventory): topology, servers, pools, backups; defaults for wizards.
