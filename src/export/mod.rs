//! Writing the graph for other tools: GraphML and GEXF (Gephi), DOT (Graphviz), node-link JSON.
