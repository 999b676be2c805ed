package data

// GivenName is a first name with its approximate number of bearers in
// Norway and the birth year around which it was most popular.
//
// The peak year matters because Norwegian naming fashions are strongly
// generational (Bjørg and Kjell are born in the 1940s, Nora and Noah in the
// 2010s); FemaleGivenBorn and MaleGivenBorn use it so that a member's name
// fits their age.
type GivenName struct {
	Name     string
	Weight   int // approximate number of people in Norway with this first name
	PeakYear int // approximate birth year of peak popularity
}

// surnames lists Norwegian surnames with weights close to SSB's counts of
// bearers (rounded). The -sen patronymics dominate as they do in reality;
// farm names (Haugen, Berg, Lie) follow; names from the largest immigrant
// groups (Polish, Lithuanian, Somali, Pakistani, Vietnamese, Swedish,
// Afghan/Iranian) are included at their small real-world weights so the
// membership list looks like today's Norway.
var surnames = []Entry{
	// The SSB top list.
	{"Hansen", 49500}, {"Johansen", 47500}, {"Olsen", 45000},
	{"Larsen", 35500}, {"Andersen", 34500}, {"Pedersen", 33500},
	{"Nilsen", 32000}, {"Kristiansen", 22500}, {"Jensen", 21500},
	{"Karlsen", 20500}, {"Johnsen", 19500}, {"Pettersen", 18500},
	{"Eriksen", 17500}, {"Berg", 16500}, {"Haugen", 13800},
	{"Hagen", 13400}, {"Johannessen", 12800}, {"Andreassen", 11300},
	{"Jacobsen", 10900}, {"Dahl", 10600}, {"Jørgensen", 10000},
	{"Henriksen", 9800}, {"Lund", 9700}, {"Halvorsen", 9600},
	{"Sørensen", 9500}, {"Jakobsen", 9100}, {"Moen", 8900},
	{"Gundersen", 8400}, {"Iversen", 8200}, {"Strand", 8000},
	{"Solberg", 7900}, {"Svendsen", 7700}, {"Eide", 7600},
	{"Knutsen", 7500}, {"Martinsen", 7400}, {"Paulsen", 7100},
	{"Bakken", 6900}, {"Kristoffersen", 6800}, {"Mathisen", 6700},
	{"Lie", 6600}, {"Amundsen", 6400}, {"Nguyen", 6300},
	{"Rasmussen", 6200}, {"Ali", 6000}, {"Lunde", 5800},
	{"Solheim", 5700}, {"Berge", 5650}, {"Moe", 5600},
	{"Nygård", 5500}, {"Bakke", 5450}, {"Kristensen", 5400},
	{"Fredriksen", 5300}, {"Holm", 5200}, {"Lien", 5100},
	{"Hauge", 5050}, {"Christensen", 5000}, {"Andresen", 4950},
	{"Nielsen", 4900}, {"Knudsen", 4850}, {"Evensen", 4800},
	{"Sæther", 4750}, {"Aas", 4700}, {"Myhre", 4650},
	{"Hanssen", 4600}, {"Ahmed", 4550}, {"Haugland", 4450},
	{"Thomassen", 4400}, {"Sivertsen", 4350}, {"Simonsen", 4300},
	{"Danielsen", 4250}, {"Berntsen", 4200}, {"Sandvik", 4150},
	{"Rønning", 4100}, {"Arnesen", 4000}, {"Antonsen", 3950},
	{"Næss", 3900}, {"Vik", 3880}, {"Haug", 3850},
	{"Ellingsen", 3800}, {"Thorsen", 3780}, {"Edvardsen", 3750},
	{"Birkeland", 3700}, {"Isaksen", 3680}, {"Gulbrandsen", 3650},
	{"Ruud", 3620}, {"Aasen", 3600}, {"Strøm", 3550},
	{"Myklebust", 3520}, {"Tangen", 3500}, {"Ødegård", 3450},
	{"Eliassen", 3420}, {"Helland", 3400}, {"Bøe", 3350},
	{"Jenssen", 3320}, {"Aune", 3300}, {"Mikkelsen", 3250},
	{"Tveit", 3220}, {"Brekke", 3200}, {"Abrahamsen", 3150},
	{"Madsen", 3100},

	// Further Norwegian surnames, roughly ranks 100–250.
	{"Mortensen", 3050}, {"Wang", 3000}, {"Hovland", 2900},
	{"Dale", 2880}, {"Engen", 2800}, {"Hermansen", 2750},
	{"Mikalsen", 2700}, {"Nygaard", 2680}, {"Haaland", 2650},
	{"Hoel", 2620}, {"Sandberg", 2600}, {"Lorentzen", 2580},
	{"Thoresen", 2560}, {"Petersen", 2550}, {"Torgersen", 2520},
	{"Engebretsen", 2500}, {"Gjerde", 2480}, {"Ingebrigtsen", 2460},
	{"Hoff", 2450}, {"Foss", 2440}, {"Bjerke", 2420},
	{"Holmen", 2400}, {"Syversen", 2380}, {"Nordby", 2360},
	{"Christiansen", 2340}, {"Rustad", 2320}, {"Solli", 2300},
	{"Sunde", 2280}, {"Fjeld", 2260}, {"Hetland", 2240},
	{"Eikeland", 2220}, {"Bråthen", 2200}, {"Ødegaard", 2190},
	{"Nilssen", 2180}, {"Vold", 2170}, {"Wilhelmsen", 2160},
	{"Aamodt", 2120}, {"Nikolaisen", 2100}, {"Sand", 2080},
	{"Sveen", 2060}, {"Ottesen", 2040}, {"Øien", 2020},
	{"Eng", 2000}, {"Grande", 1990}, {"Fossum", 1980},
	{"Kolstad", 1970}, {"Holt", 1960}, {"Fosse", 1950},
	{"Solbakken", 1940}, {"Tollefsen", 1920}, {"Løken", 1900},
	{"Bjørnstad", 1890}, {"Stokke", 1880}, {"Kvam", 1870},
	{"Rød", 1860}, {"Hovde", 1850}, {"Stene", 1840},
	{"Dahle", 1830}, {"Olaussen", 1820}, {"Gjertsen", 1800},
	{"Bjørklund", 1790}, {"Tvedt", 1780}, {"Brenna", 1770},
	{"Kleven", 1760}, {"Skaar", 1750}, {"Viken", 1740},
	{"Kleppe", 1730}, {"Wold", 1720}, {"Ness", 1710},
	{"Hole", 1700}, {"Reitan", 1690}, {"Skogen", 1680},
	{"Torp", 1670}, {"Haugan", 1660}, {"Sletten", 1650},
	{"Hammer", 1640}, {"Gran", 1630}, {"Tobiassen", 1620},
	{"Vang", 1610}, {"Langeland", 1600}, {"Kvale", 1590},
	{"Berglund", 1580}, {"Myrvold", 1570}, {"Sundby", 1560},
	{"Syvertsen", 1550}, {"Solvang", 1540}, {"Kvamme", 1530},
	{"Ludvigsen", 1520}, {"Bø", 1510}, {"Steffensen", 1500},
	{"Nordli", 1490}, {"Nordheim", 1480}, {"Sørlie", 1470},
	{"Aarseth", 1420}, {"Lyngstad", 1400}, {"Tjelta", 1320},
	{"Rolfsen", 1300}, {"Austad", 1220}, {"Leirvik", 1200},

	// Swedish and Danish names, common through intermarriage and migration.
	{"Andersson", 1700}, {"Johansson", 1650}, {"Karlsson", 1200},

	// Vietnamese (besides Nguyen above).
	{"Tran", 3500}, {"Le", 2200}, {"Pham", 2150}, {"Hoang", 1200},
	{"Vu", 1100}, {"Do", 800}, {"Dang", 780}, {"Bui", 700},

	// Pakistani.
	{"Hussain", 4300}, {"Khan", 4000}, {"Shah", 1900}, {"Iqbal", 1700},
	{"Malik", 1500}, {"Mahmood", 1480}, {"Akhtar", 1300}, {"Butt", 1200},
	{"Rana", 900}, {"Javed", 700}, {"Chaudhry", 680},

	// Somali.
	{"Mohamed", 3800}, {"Hassan", 3000}, {"Abdi", 2600}, {"Ibrahim", 2300},
	{"Omar", 2200}, {"Hussein", 2000}, {"Mohamud", 1400}, {"Farah", 1380},
	{"Yusuf", 1300}, {"Osman", 1200}, {"Abdullahi", 1100}, {"Jama", 800},
	{"Warsame", 700},

	// Afghan and Iranian.
	{"Ahmadi", 1300}, {"Hosseini", 1200}, {"Rahimi", 800},

	// Polish. The largest immigrant group, but with many distinct surnames,
	// so each one is rare.
	{"Nowak", 800}, {"Kowalski", 500}, {"Wójcik", 450}, {"Kowalczyk", 450},
	{"Lewandowski", 450}, {"Zieliński", 400}, {"Woźniak", 400},
	{"Wiśniewski", 350}, {"Kamiński", 350}, {"Szymański", 350},

	// Lithuanian.
	{"Kazlauskas", 250}, {"Petrauskas", 220}, {"Jankauskas", 200},
	{"Stankevičius", 180}, {"Vasiliauskas", 170},
}

// femaleGiven lists female first names with approximate SSB counts and peak
// birth years. It spans the generations found in a working union (born
// 1955–2002) and the names of their parents and children, so that the
// generator can also name next of kin plausibly.
var femaleGiven = []GivenName{
	{"Anne", 40500, 1962}, {"Inger", 33000, 1945}, {"Kari", 30000, 1958},
	{"Marit", 29000, 1960}, {"Ingrid", 28000, 1955}, {"Liv", 26000, 1945},
	{"Eva", 23000, 1960}, {"Berit", 21000, 1955}, {"Astrid", 20000, 1940},
	{"Bjørg", 19000, 1945}, {"Hilde", 19000, 1970}, {"Anna", 19000, 1990},
	{"Solveig", 18000, 1945}, {"Marianne", 18000, 1970}, {"Randi", 18000, 1950},
	{"Ida", 17500, 1992}, {"Nina", 17000, 1975}, {"Maria", 17000, 1985},
	{"Elisabeth", 17000, 1972}, {"Kristin", 17000, 1972}, {"Nora", 15000, 2010},
	{"Emma", 15000, 2005}, {"Sara", 14000, 1995}, {"Thea", 14000, 2000},
	{"Ingeborg", 14000, 1950}, {"Tone", 14000, 1968}, {"Hanne", 13500, 1975},
	{"Wenche", 13000, 1962}, {"Ragnhild", 13000, 1945}, {"Silje", 13000, 1988},
	{"Heidi", 13000, 1972}, {"Mari", 12500, 1985}, {"Anita", 12500, 1970},
	{"Gerd", 12000, 1940}, {"Linda", 12000, 1975}, {"Julie", 12000, 1995},
	{"Camilla", 12000, 1985}, {"Karin", 12000, 1955}, {"Karen", 12000, 1950},
	{"Emilie", 12000, 2000}, {"Lene", 11500, 1978}, {"Turid", 11000, 1950},
	{"Ellen", 11000, 1960}, {"Else", 11000, 1945}, {"Hege", 11000, 1970},
	{"Hanna", 11000, 2000}, {"Tove", 10500, 1955}, {"Bente", 10500, 1963},
	{"Sofie", 10500, 2003}, {"Trine", 10000, 1972}, {"Sigrid", 10000, 1940},
	{"Elise", 10000, 1998}, {"Kristine", 10000, 1985}, {"Helene", 10000, 1985},
	{"Monica", 9500, 1975}, {"Mona", 9500, 1968}, {"Elin", 9500, 1975},
	{"Karoline", 9500, 1995}, {"Stine", 9500, 1980}, {"Anette", 9500, 1978},
	{"Siri", 9500, 1975}, {"Cecilie", 9500, 1980}, {"Mette", 9500, 1970},
	{"Ann", 9000, 1962}, {"Grete", 9000, 1955}, {"Kirsten", 9000, 1945},
	{"Ingvild", 9000, 1985}, {"Martine", 9000, 1995}, {"Gunn", 8500, 1950},
	{"Åse", 8500, 1950}, {"Torill", 8500, 1960}, {"Marte", 8500, 1988},
	{"Tonje", 8500, 1985}, {"Maja", 8500, 2010}, {"Frida", 8500, 2000},
	{"Amalie", 8500, 2005}, {"Unni", 8000, 1955}, {"Laila", 8000, 1965},
	{"Lise", 8000, 1965}, {"Vilde", 8000, 1998}, {"Kjersti", 8000, 1975},
	{"Irene", 8000, 1965}, {"Christine", 8000, 1980}, {"Ingunn", 7500, 1970},
	{"Lena", 7500, 1985}, {"Andrea", 7500, 2000}, {"Sissel", 7500, 1960},
	{"Jorunn", 7000, 1955}, {"Eli", 7000, 1950}, {"Aud", 7000, 1945},
	{"Grethe", 7000, 1955}, {"Janne", 7000, 1975}, {"Cathrine", 7000, 1975},
	{"Olivia", 7000, 2012}, {"Mathilde", 7000, 2000}, {"Julia", 7000, 2005},
	{"Linnea", 7000, 2005}, {"Malin", 7000, 1995}, {"Guro", 7000, 1980},
	{"Merete", 7000, 1965}, {"Amanda", 7000, 1995}, {"Charlotte", 7000, 1990},
	{"Ane", 7000, 1990}, {"Sofia", 6500, 2012}, {"Mia", 6500, 2005},
	{"Victoria", 6500, 2000}, {"Vigdis", 6500, 1950}, {"Torunn", 6500, 1960},
	{"Maren", 6500, 1990}, {"Margrethe", 6500, 1955}, {"Margit", 6500, 1940},
	{"Beate", 6500, 1975}, {"Ella", 6000, 2012}, {"Hedda", 6000, 2000},
	{"Marthe", 6000, 1985}, {"Ruth", 6000, 1940}, {"Bodil", 6000, 1945},
	{"Mariann", 6000, 1965}, {"Jenny", 6000, 1990}, {"Aurora", 6000, 2010},
	{"Marie", 6000, 1990}, {"Gro", 6000, 1962}, {"Kristina", 6000, 1980},
	{"Synnøve", 5500, 1965}, {"Helga", 5500, 1935}, {"Reidun", 5500, 1950},
	{"Henriette", 5500, 1985}, {"Iselin", 5500, 1990}, {"Vibeke", 5500, 1970},
	{"Gunhild", 5000, 1940}, {"Tiril", 5000, 2005}, {"Tuva", 5000, 2005},
	{"Signe", 5000, 1970}, {"Oda", 5000, 2000}, {"Josefine", 5000, 1995},
	{"Eline", 5000, 1990}, {"Ina", 5000, 1990}, {"Pernille", 5000, 1985},
	{"Sunniva", 4500, 1995}, {"Marlene", 4500, 1990}, {"Magnhild", 4500, 1940},
	{"Linn", 4500, 1990}, {"Marita", 4500, 1980}, {"Leah", 4000, 2015},
	{"Live", 4000, 2005}, {"Selma", 4000, 2010}, {"Solfrid", 3500, 1950},
	{"Oddbjørg", 3500, 1945}, {"Benedicte", 3500, 1985}, {"Målfrid", 3000, 1940},
	{"Eldbjørg", 3000, 1945}, {"Åshild", 3000, 1960}, {"Inga", 2500, 2010},
	{"Kjellaug", 1500, 1945},

	// Names common among immigrants and their daughters.
	{"Fatima", 3500, 1990}, {"Monika", 3000, 1980}, {"Amina", 2500, 1995},
	{"Maryam", 2500, 1995}, {"Agnieszka", 2500, 1980}, {"Katarzyna", 2500, 1980},
	{"Karolina", 2500, 1990}, {"Joanna", 2000, 1982}, {"Magdalena", 2000, 1985},
	{"Aleksandra", 2000, 1990}, {"Natalia", 2000, 1990}, {"Nadia", 2000, 1985},
	{"Justyna", 1500, 1985}, {"Ewa", 1500, 1975}, {"Olga", 1500, 1980},
	{"Aisha", 1500, 1995}, {"Sana", 1500, 1990}, {"Linh", 1000, 1990},
	{"Sahra", 1000, 1990}, {"Lan", 700, 1975}, {"Hodan", 700, 1990},
	{"Hoa", 600, 1970}, {"Fadumo", 600, 1985}, {"Ieva", 500, 1990},
	{"Rasa", 400, 1980},
}

// maleGiven lists male first names with approximate SSB counts and peak
// birth years; see femaleGiven for the reasoning behind the spread.
var maleGiven = []GivenName{
	{"Jan", 38800, 1952}, {"Per", 30000, 1950}, {"Bjørn", 27700, 1952},
	{"Ole", 26500, 1962}, {"Lars", 26000, 1965}, {"Kjell", 23500, 1945},
	{"Knut", 22000, 1955}, {"Arne", 21900, 1942}, {"Svein", 21000, 1955},
	{"Thomas", 20900, 1980}, {"Hans", 19800, 1942}, {"Geir", 18000, 1965},
	{"Tor", 17900, 1955}, {"Morten", 17300, 1970}, {"Terje", 16300, 1960},
	{"Odd", 16000, 1938}, {"Erik", 15500, 1970}, {"Martin", 15400, 1990},
	{"Andreas", 15200, 1985}, {"John", 14300, 1950}, {"Anders", 14200, 1980},
	{"Rune", 14100, 1970}, {"Trond", 14000, 1965}, {"Tore", 13500, 1960},
	{"Jonas", 13000, 2000}, {"Magnus", 12900, 1995}, {"Kristian", 12000, 1985},
	{"Daniel", 12000, 1990}, {"Jon", 11900, 1960}, {"Henrik", 11800, 1990},
	{"Ola", 11000, 1965}, {"Espen", 10900, 1975}, {"Harald", 10800, 1940},
	{"Stian", 10500, 1980}, {"Olav", 10400, 1940}, {"Gunnar", 10300, 1945},
	{"Kjetil", 10200, 1970}, {"Christian", 10100, 1980}, {"Tom", 10000, 1965},
	{"Eirik", 9900, 1985}, {"Marius", 9800, 1990}, {"Jørgen", 9500, 1990},
	{"Øyvind", 9400, 1970}, {"Stein", 9300, 1960}, {"Frode", 9200, 1970},
	{"Helge", 9100, 1955}, {"Håkon", 9000, 1985}, {"Emil", 9000, 2005},
	{"Jakob", 9000, 2005}, {"Alexander", 8900, 1995}, {"Fredrik", 8800, 1985},
	{"Sander", 8500, 1995}, {"William", 8500, 2010}, {"Johan", 8500, 1945},
	{"Sebastian", 8400, 1995}, {"Tobias", 8300, 2000}, {"Mathias", 8200, 1995},
	{"Kristoffer", 8100, 1985}, {"Sindre", 8000, 1990}, {"Petter", 8000, 1975},
	{"Einar", 8000, 1940}, {"Nils", 8000, 1945}, {"Elias", 8000, 2005},
	{"Steinar", 7900, 1955}, {"Eivind", 7800, 1975}, {"Oliver", 7800, 2010},
	{"Roger", 7700, 1970}, {"Leif", 7600, 1940}, {"Filip", 7500, 2005},
	{"Markus", 7500, 1995}, {"Oskar", 7200, 2005}, {"Even", 7000, 1990},
	{"Ivar", 7000, 1950}, {"Vidar", 7000, 1965}, {"Rolf", 7000, 1945},
	{"Isak", 7000, 2008}, {"Johannes", 7000, 2000}, {"Adrian", 7000, 1995},
	{"Karl", 7000, 1940}, {"Øystein", 6800, 1965}, {"Kenneth", 6800, 1975},
	{"Sigurd", 6500, 1940}, {"Dag", 6500, 1960}, {"Arild", 6500, 1965},
	{"Lucas", 6500, 2010}, {"Pål", 6500, 1970}, {"Joakim", 6500, 1990},
	{"Håvard", 6200, 1985}, {"Egil", 6000, 1945}, {"Noah", 6000, 2012},
	{"Aksel", 6000, 2010}, {"Vegard", 6000, 1985}, {"Simen", 6000, 1992},
	{"Thor", 6000, 1950}, {"Robert", 6000, 1975}, {"Tommy", 6000, 1978},
	{"Kim", 6000, 1980}, {"Jens", 6000, 1955}, {"Benjamin", 5500, 2000},
	{"Torbjørn", 5500, 1955}, {"Jostein", 5000, 1965}, {"Finn", 5000, 1945},
	{"Asbjørn", 5000, 1945}, {"Sverre", 5000, 1960}, {"Alf", 5000, 1935},
	{"Ronny", 5000, 1975}, {"Kåre", 5000, 1945}, {"Bjarne", 5000, 1945},
	{"Steffen", 5000, 1980}, {"Sondre", 5000, 1995}, {"Bård", 4800, 1970},
	{"Åge", 4500, 1950}, {"Halvor", 4500, 1955}, {"Atle", 4500, 1970},
	{"Reidar", 4500, 1935}, {"Paul", 4500, 1950}, {"Mats", 4500, 1990},
	{"Inge", 4500, 1955}, {"Anton", 4500, 2005}, {"Arvid", 4200, 1940},
	{"Ove", 4200, 1950}, {"Audun", 4000, 1970}, {"Ragnar", 4000, 1935},
	{"Oddvar", 4000, 1940}, {"Erlend", 4000, 1985}, {"Magne", 4000, 1955},
	{"Trygve", 4000, 1945}, {"Jørn", 4000, 1965}, {"Mads", 4000, 1995},
	{"Theodor", 4000, 2012}, {"Ludvig", 4000, 2012}, {"Erling", 4000, 1940},
	{"Sigmund", 3500, 1945}, {"Eskil", 3500, 1990}, {"Ruben", 3500, 1995},
	{"Torstein", 3500, 1980}, {"Glenn", 3500, 1975}, {"Ingvar", 3500, 1945},
	{"Torgeir", 3500, 1965}, {"Jarle", 3500, 1970}, {"Vetle", 3500, 1995},
	{"Ståle", 3500, 1970}, {"Endre", 3500, 1980}, {"Ketil", 3200, 1960},
	{"Gaute", 3000, 1985}, {"Kjartan", 3000, 1970}, {"Kasper", 3000, 2005},
	{"Kai", 3000, 1950}, {"Bernt", 3000, 1950}, {"Lasse", 3000, 1970},
	{"Henning", 3000, 1970}, {"Ørjan", 2800, 1975}, {"Sigve", 2500, 1985},
	{"Tormod", 2500, 1955}, {"Vebjørn", 2500, 1990}, {"Brage", 2500, 2000},
	{"Amund", 2500, 1990}, {"Birger", 2500, 1940}, {"Asle", 2000, 1965},
	{"Gjermund", 2000, 1965}, {"Torleif", 2000, 1945}, {"Sveinung", 2000, 1970},
	{"Alfred", 2000, 1935}, {"Aslak", 1500, 1970}, {"Storm", 1500, 2010},

	// Names common among immigrants and their sons.
	{"Mohammed", 4500, 1995}, {"Ali", 4500, 1985}, {"Mohamed", 4000, 1990},
	{"Muhammad", 3000, 1995}, {"Tomas", 3000, 1985}, {"Ahmed", 2500, 1985},
	{"Piotr", 2500, 1980}, {"Tomasz", 2500, 1980}, {"Krzysztof", 2000, 1978},
	{"Marcin", 2000, 1982}, {"Omar", 2000, 1995}, {"Hassan", 1800, 1990},
	{"Ahmad", 1800, 1990}, {"Paweł", 1800, 1982}, {"Michał", 1700, 1985},
	{"Andrzej", 1200, 1970}, {"Abdi", 1200, 1990}, {"Yusuf", 1200, 1995},
	{"Abdullahi", 1000, 1990}, {"Darius", 1000, 1985}, {"Abdirahman", 900, 1990},
	{"Bilal", 900, 1990}, {"Mindaugas", 800, 1980}, {"Imran", 800, 1985},
	{"Minh", 700, 1980}, {"Usman", 700, 1990}, {"Duc", 600, 1975},
	{"Tuan", 600, 1980}, {"Hung", 500, 1975},
}
