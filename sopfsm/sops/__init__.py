"""The SOPs of the 10 April 2020 update, one module per clause."""
