"""Invented people's names and personal email domains for the demo contacts."""
from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Aaron", "Abigail", "Adrian", "Aiden", "Alejandro", "Alexis", "Alicia", "Amara",
    "Amelia", "Andre", "Angela", "Anika", "Anthony", "Aria", "Ashley", "Austin", "Ava", "Benjamin",
    "Bianca", "Brandon", "Brianna", "Caleb", "Camila", "Carlos", "Carmen", "Casey", "Charlotte",
    "Chloe", "Christopher", "Claire", "Connor", "Crista", "Daniel", "Dana", "Deja", "Derek",
    "Diana", "Dylan", "Eleanor", "Elena", "Elijah", "Elizabeth", "Emily", "Emmanuel", "Eric",
    "Esther", "Ethan", "Fatima", "Felix", "Gabriel", "Grace", "Hailey", "Hannah", "Hector",
    "Heidi", "Hiroshi", "Imani", "Isaac", "Isabella", "Jack", "Jada", "James", "Jane", "Jasmine",
    "Jason", "Javier", "Jesse", "Jessica", "Jodi", "Jordan", "Jose", "Joshua", "Julia", "Kade",
    "Kara", "Kate", "Katherine", "Kayla", "Keanu", "Kenji", "Kevin", "Laila", "Layne", "Leah",
    "Liam", "Lucas", "Luan", "Luis", "Madison", "Malia", "Marcus", "Maria", "Matt", "Maya",
    "Mele", "Mia", "Michael", "Michelle", "Miguel", "Mohammed", "Naomi", "Natalie", "Nathan",
    "Nia", "Noah", "Olivia", "Omar", "Owen", "Priya", "Rachel", "Rafael", "Rebecca", "Riley",
    "Robert", "Rosa", "Ryan", "Samantha", "Samuel", "Sara", "Sean", "Sofia", "Sophie", "Tanvi",
    "Taylor", "Thomas", "Tyler", "Valeria", "Victoria", "Wen", "William", "Xavier", "Yasmin",
    "Yusuf", "Zoe",
)

LAST_NAMES: tuple[str, ...] = (
    "Abbott", "Acosta", "Adams", "Aguilar", "Ahmed", "Alvarez", "Anderson", "Archuleta", "Baker",
    "Banerjee", "Barnes", "Bell", "Bennett", "Brooks", "Brown", "Bryant", "Burke", "Campbell",
    "Castillo", "Chavez", "Chen", "Clark", "Coleman", "Collins", "Cooper", "Cruz", "Daniels",
    "Davis", "Delgado", "Diaz", "Dubois", "Edwards", "Ellis", "Espinoza", "Evans", "Fernandez",
    "Fischer", "Flores", "Foster", "Garcia", "Gomez", "Gonzales", "Graham", "Gray", "Green",
    "Gutierrez", "Hall", "Harris", "Hayes", "Henderson", "Hernandez", "Herrera", "Hill", "Howard",
    "Hughes", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "Kim",
    "King", "Kowalski", "Lee", "Lewis", "Long", "Lopez", "Lucero", "Maestas", "Martin", "Martinez",
    "Medina", "Mendoza", "Miller", "Mitchell", "Montoya", "Moore", "Morales", "Morgan", "Murphy",
    "Murray", "Nakamura", "Nelson", "Nguyen", "O'Brien", "Okafor", "Ortiz", "Padilla", "Park",
    "Patel", "Perez", "Peterson", "Phillips", "Powell", "Price", "Ramirez", "Reed", "Reyes",
    "Richardson", "Rivera", "Roberts", "Robinson", "Rodriguez", "Romero", "Ross", "Ruiz",
    "Russell", "Sanchez", "Sanders", "Santos", "Schmidt", "Scott", "Shah", "Silva", "Singh",
    "Smith", "Sullivan", "Tanaka", "Taylor", "Thomas", "Thompson", "Torres", "Tran", "Trujillo",
    "Turner", "Valdez", "Vasquez", "Vigil", "Walker", "Wang", "Ward", "Washington", "Watson",
    "White", "Williams", "Wilson", "Wong", "Wright", "Yamamoto", "Young", "Zhang",
)

PERSONAL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com",
    "icloud.com", "comcast.net", "protonmail.com",
)
