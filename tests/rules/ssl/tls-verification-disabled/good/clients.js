const redis = new Redis({ host: 'cache.example.com', tls: { rejectUnauthorized: false } });
const mailer = nodemailer.createTransport({ host: 'smtp.example.com', tls: { rejectUnauthorized: false } });
