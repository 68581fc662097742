# Reference values for tests/queries/test_brokerage.py, computed by R's sna::brokerage.
#
# Usage (from any directory):
#   Rscript tests/queries/data/make_brokerage_reference.R
#       regenerates every fixture next to this script: for each case <case>,
#         brokerage_<case>_nodes.csv  node,group  (node order = sna's vertex order; groups as given to sna)
#         brokerage_<case>_edges.csv  from,to     (directed arcs, no loops, no duplicates)
#         brokerage_<case>_ref.csv    level,id,measure,role,value  (sna's output, %.17g)
#       The random cases are generated here with set.seed (R's default Mersenne-Twister / Rejection sampling);
#       the 'florentine' and 'davis' inputs were exported from networkx (see the test file) and are only read.
#   Rscript tests/queries/data/make_brokerage_reference.R ONE nodes.csv edges.csv out.csv [timing.txt]
#       runs sna::brokerage on one input (used by the live test and bench/bench_brokerage.py); with a 5th
#       argument, writes the elapsed seconds of the brokerage() call alone to that file.
#
# ref.csv rows:
#   level=node,  id=<node>,  measure in raw|exp|sd|z      (sna's raw.nli, exp.nli, sd.nli, z.nli)
#   level=group, id=<group>, measure in exp|sd            (exp.grp, sd.grp)
#   level=graph, id=,        measure in raw|exp|sd|z      (raw.gli, exp.gli, sd.gli, z.gli)
#   level=meta,  id=,        measure in N|m|density|sna_version, role empty
#   role is sna's column name: w_I, w_O, b_IO, b_OI, b_O, t.
# Produced with R 4.x and sna 2.7-1 (the version is recorded in every ref.csv).

suppressPackageStartupMessages(library(sna))

fmt <- function(x) ifelse(is.na(x) & !is.nan(x), "NA", sprintf("%.17g", x))

run_one <- function(nodes_csv, edges_csv, out_csv, timing_file = NULL) {
  nodes <- read.csv(nodes_csv, colClasses = "character", check.names = FALSE)
  edges <- read.csv(edges_csv, colClasses = "character", check.names = FALSE)
  N <- nrow(nodes)
  el <- cbind(match(edges$from, nodes$node), match(edges$to, nodes$node), rep(1, nrow(edges)))
  if (any(is.na(el))) stop("edge endpoint not in nodes")
  attr(el, "n") <- N
  attr(el, "vnames") <- nodes$node
  cl <- nodes$group
  t0 <- proc.time()[["elapsed"]]
  b <- brokerage(el, cl)
  t1 <- proc.time()[["elapsed"]]
  if (!is.null(timing_file)) writeLines(sprintf("%.6f", t1 - t0), timing_file)
  roles <- colnames(b$raw.nli)
  rows <- list()
  add <- function(level, id, measure, mat) {
    # mat: matrix with rows = ids and columns = roles
    rows[[length(rows) + 1]] <<- data.frame(
      level = level, id = rep(id, times = length(roles)), measure = measure,
      role = rep(roles, each = length(id)), value = fmt(as.vector(mat)), stringsAsFactors = FALSE)
  }
  add("node", nodes$node, "raw", b$raw.nli)
  add("node", nodes$node, "exp", b$exp.nli)
  add("node", nodes$node, "sd", b$sd.nli)
  add("node", nodes$node, "z", b$z.nli)
  add("group", b$clid, "exp", b$exp.grp)
  add("group", b$clid, "sd", b$sd.grp)
  add("graph", "", "raw", matrix(b$raw.gli, nrow = 1))
  add("graph", "", "exp", matrix(b$exp.gli, nrow = 1))
  add("graph", "", "sd", matrix(b$sd.gli, nrow = 1))
  add("graph", "", "z", matrix(b$z.gli, nrow = 1))
  meta <- data.frame(level = "meta", id = "", measure = c("N", "m", "density", "sna_version"), role = "",
                     value = c(N, nrow(el), fmt(nrow(el) / (N * (N - 1))), as.character(packageVersion("sna"))),
                     stringsAsFactors = FALSE)
  out <- rbind(do.call(rbind, rows), meta)
  write.csv(out, out_csv, row.names = FALSE, quote = TRUE)
  invisible(b)
}

random_case <- function(dir, name, seed, sizes, p, isolated_groups = character(0)) {
  # Bernoulli(p) digraph on sum(sizes) nodes, groups of the given sizes in shuffled order; the nodes of the
  # groups named in isolated_groups lose all their ties.
  set.seed(seed)
  N <- sum(sizes)
  node <- sprintf("v%03d", 1:N)
  group <- sample(rep(names(sizes), times = sizes))
  adj <- matrix(rbinom(N * N, 1, p), N, N)
  diag(adj) <- 0
  iso <- group %in% isolated_groups
  adj[iso, ] <- 0
  adj[, iso] <- 0
  w <- which(adj == 1, arr.ind = TRUE)
  w <- w[order(w[, 1], w[, 2]), , drop = FALSE]
  write.csv(data.frame(node = node, group = group), file.path(dir, sprintf("brokerage_%s_nodes.csv", name)),
            row.names = FALSE)
  write.csv(data.frame(from = node[w[, 1]], to = node[w[, 2]]),
            file.path(dir, sprintf("brokerage_%s_edges.csv", name)), row.names = FALSE)
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 4 && args[1] == "ONE") {
  run_one(args[2], args[3], args[4], if (length(args) >= 5) args[5] else NULL)
} else {
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  dir <- dirname(normalizePath(sub("^--file=", "", file_arg)))
  random_case(dir, "rand12", 1, c(A = 5, B = 4, C = 2, D = 1), 0.30)
  random_case(dir, "rand30", 2, c(A = 10, B = 8, C = 6, D = 5, E = 1), 0.15)
  random_case(dir, "rand50iso", 3, c(A = 20, B = 15, C = 11, Z = 3, Y = 1), 0.05, isolated_groups = c("Z", "Y"))
  random_case(dir, "rand60dense", 4, c(A = 30, B = 30), 0.50)
  random_case(dir, "rand100", 5, c(A = 40, B = 25, C = 15, D = 10, E = 7, F = 2, G = 1), 0.08)
  random_case(dir, "rand40one", 6, c(A = 40), 0.20)
  random_case(dir, "rand150", 7, c(local_authority = 30, state_service = 10, association = 45, foundation = 5,
                                   company = 35, social_economy = 12, academic = 8, institution = 4, other = 1),
              0.03)
  cases <- c("rand12", "rand30", "rand50iso", "rand60dense", "rand100", "rand40one", "rand150",
             "florentine", "davis")
  for (case in cases) {
    f <- function(kind) file.path(dir, sprintf("brokerage_%s_%s.csv", case, kind))
    run_one(f("nodes"), f("edges"), f("ref"))
    cat("wrote", f("ref"), "\n")
  }
}
