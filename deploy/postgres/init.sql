-- One database per operator: each operator's servers share theirs, and no operator sees another's.
CREATE DATABASE br_fsa;
CREATE DATABASE br_ssa;
CREATE DATABASE br_vdc;
