// new_entities_since: the models, datasets and benchmarks first seen on or after a date (YYYY-MM-DD), of one type or all, each with the earliest paper that introduces it.
// param date: str
// param type: str = ""
MATCH (e:Entity)
WHERE e.first_seen >= $date AND (e:Model OR e:Dataset OR e:Benchmark)
WITH e, CASE WHEN e:Model THEN 'model' WHEN e:Dataset THEN 'dataset' ELSE 'benchmark' END AS kind
WHERE $type = '' OR kind = toLower($type)
OPTIONAL MATCH (p:Paper)-[:INTRODUCES]->(e)
WHERE p.date IS NOT NULL
WITH e, kind, min(p.date + ' ' + p.title) AS first
RETURN e.name AS entity, kind, e.first_seen AS first_seen, substring(first, 11) AS introduced_by
ORDER BY first_seen, entity, kind
