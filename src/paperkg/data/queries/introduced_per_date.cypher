// introduced_per_date: how many distinct entities were introduced by the papers listed on each date.
MATCH (p:Paper)-[:INTRODUCES]->(e:Entity)
UNWIND coalesce(p.dates, []) AS date
WITH date, count(DISTINCT e) AS entities
RETURN date, entities
ORDER BY date
