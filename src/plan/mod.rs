//! From a loss scenario, topology and inventory to an ordered plan of procedures and steps. Pure.
