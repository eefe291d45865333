// trending_entities: the models, datasets and benchmarks whose papers grew most: distinct papers in the last `weeks` weeks up to the latest paper date (recent) against the `weeks` weeks before those (before).
// param weeks: int = 4
// param limit: int = 20
CALL () {
  MATCH (p:Paper)
  WHERE p.date IS NOT NULL
  RETURN p.date AS latest
  ORDER BY latest DESC
  LIMIT 1
}
WITH toString(date(latest) - duration({days: 7 * $weeks})) AS mid,
     toString(date(latest) - duration({days: 14 * $weeks})) AS start
MATCH (p:Paper)-[:INTRODUCES|USES|EVALUATES_ON]->(e:Entity)
WHERE p.date > start AND (e:Model OR e:Dataset OR e:Benchmark)
WITH e, count(DISTINCT CASE WHEN p.date > mid THEN p END) AS recent,
     count(DISTINCT CASE WHEN p.date <= mid THEN p END) AS before
WHERE recent > before
RETURN e.name AS entity,
       CASE WHEN e:Model THEN 'model' WHEN e:Dataset THEN 'dataset' ELSE 'benchmark' END AS kind,
       recent, before, recent - before AS growth
ORDER BY growth DESC, recent DESC, entity, kind
LIMIT $limit
