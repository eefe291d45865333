// models_on_benchmark: the models used or introduced by papers that evaluate on a benchmark.
// param benchmark: name
MATCH (k_benchmark:NameKey {key: $benchmark_key})-[:NAMES]->(b:Benchmark) USING INDEX k_benchmark:NameKey(key)
MATCH (p:Paper)-[:EVALUATES_ON]->(b)
MATCH (p)-[:USES|INTRODUCES]->(m:Model)
WITH m, count(DISTINCT p) AS papers
RETURN m.name AS model, papers
ORDER BY papers DESC, model
