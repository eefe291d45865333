// models_on_benchmark: the models used or introduced by papers that evaluate on a benchmark.
// param benchmark: str
MATCH (b:Benchmark)
WHERE toLower(b.name) = toLower($benchmark)
   OR any(a IN coalesce(b.aliases, []) WHERE toLower(a) = toLower($benchmark))
MATCH (p:Paper)-[:EVALUATES_ON]->(b)
MATCH (p)-[:USES|INTRODUCES]->(m:Model)
WITH m, count(DISTINCT p) AS papers
RETURN m.name AS model, papers
ORDER BY papers DESC, model
