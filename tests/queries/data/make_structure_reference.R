# Reference values for tests/queries/test_structure.py, computed with R sna (Butts 2008).
#
#   cd tests/queries/data && Rscript make_structure_reference.R
#
# Inputs (written by make_structure_inputs.py): structure_graphs.csv (name, directed) and, per graph,
# structure_<name>_nodes.csv (id, sector) and structure_<name>_edges.csv (source, target).
# Output: structure_reference.csv (graph, measure, value), 17 significant digits.
#   gden              sna::gden(A, mode = own mode)                        density, diag = FALSE
#   deg_cent_<mode>   sna::centralization(A, degree, mode = <mode>, normalize = TRUE)
#   bet_cent_<mode>   sna::centralization(A, betweenness, mode = <mode>, normalize = TRUE)
#   components        sna::components(A, connected = "weak")
#   grecip            sna::grecip(A, measure = "edgewise")                directed graphs only
#   gtrans            sna::gtrans(A, mode = "graph")                      undirected graphs only
# <mode> is "graph" or "digraph". A directed graph in "graph" mode is first symmetrised
# (sna::symmetrize(rule = "weak"): a tie in either direction), an undirected one is a symmetric matrix,
# which "digraph" mode reads as two arcs per tie.
suppressPackageStartupMessages(library(sna))

graphs <- read.csv("structure_graphs.csv", stringsAsFactors = FALSE)
out <- data.frame(graph = character(), measure = character(), value = numeric())
add <- function(g, m, v) out <<- rbind(out, data.frame(graph = g, measure = m, value = v))

for (i in seq_len(nrow(graphs))) {
  name <- graphs$name[i]
  directed <- as.logical(graphs$directed[i])
  nodes <- read.csv(sprintf("structure_%s_nodes.csv", name), colClasses = "character")
  edges <- read.csv(sprintf("structure_%s_edges.csv", name), colClasses = "character")
  n <- nrow(nodes)
  A <- matrix(0, n, n)
  s <- match(edges$source, nodes$id)
  t <- match(edges$target, nodes$id)
  A[cbind(s, t)] <- 1
  if (!directed) A[cbind(t, s)] <- 1
  diag(A) <- 0
  own <- if (directed) "digraph" else "graph"
  Ag <- if (directed) symmetrize(A, rule = "weak") else A
  add(name, "gden", gden(A, mode = own))
  add(name, "deg_cent_graph", centralization(Ag, degree, mode = "graph", normalize = TRUE))
  add(name, "deg_cent_digraph", centralization(A, degree, mode = "digraph", normalize = TRUE))
  add(name, "bet_cent_graph", centralization(Ag, betweenness, mode = "graph", normalize = TRUE))
  add(name, "bet_cent_digraph", centralization(A, betweenness, mode = "digraph", normalize = TRUE))
  add(name, "components", components(A, connected = "weak"))
  if (directed) {
    add(name, "grecip", grecip(A, measure = "edgewise"))
  } else {
    add(name, "gtrans", gtrans(A, mode = "graph"))
  }
}
out$value <- trimws(formatC(out$value, digits = 17, format = "g"))
write.csv(out, "structure_reference.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("sna %s, R %s: wrote %d values\n", packageVersion("sna"), getRversion(), nrow(out)))
