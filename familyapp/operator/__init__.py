"""The national operator's pages: the municipalities and the first admin of each. No family's content."""
