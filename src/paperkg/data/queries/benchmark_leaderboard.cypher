// benchmark_leaderboard: the benchmarks the most papers evaluate on.
// param limit: int = 20
MATCH (p:Paper)-[:EVALUATES_ON]->(b:Benchmark)
WITH b, count(DISTINCT p) AS papers
RETURN b.name AS benchmark, papers
ORDER BY papers DESC, benchmark
LIMIT $limit
